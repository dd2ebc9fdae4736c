import { describe, expect, it } from 'vitest';
import { evaluateBudgets, exitCodeFor } from '../../bench/lib/budgets.mjs';
import { median, percentile, slope } from '../../bench/lib/stats.mjs';
import { formatTable } from '../../bench/lib/table.mjs';

describe('bench statistics', () => {
  it.each([
    [[5], 50, 5],
    [[1, 2, 3, 4], 50, 2],
    [[4, 3, 2, 1], 75, 3],
    [[...Array.from({ length: 99 }, () => 1), 50], 99, 1],
    [[...Array.from({ length: 98 }, () => 1), 50, 60], 99, 50],
    [[10, 20, 30], 100, 30],
  ])('percentile(%j, %d) = %d (nearest rank)', (samples, p, expected) => {
    expect(percentile(samples, p)).toBe(expected);
  });

  it('takes the median of odd and even counts without reordering the input', () => {
    const samples = [9, 1, 5, 3];
    expect(median(samples)).toBe(4);
    expect(median([7, 1, 3])).toBe(3);
    expect(samples).toEqual([9, 1, 5, 3]);
  });

  it('measures drift as the slope of lateness per tick', () => {
    const ticks = [0, 1, 2, 3, 4];
    expect(slope(ticks, [0.5, 0.5, 0.5, 0.5, 0.5])).toBe(0);
    expect(slope(ticks, [0, 1.5, 3, 4.5, 6])).toBeCloseTo(1.5);
  });
});

describe('bench table', () => {
  it('right-aligns numeric columns and pads text', () => {
    expect(formatTable(['case', 'ms'], [['a', 1.5], ['longer', 120]]).split('\n')).toEqual([
      '| case   |  ms |',
      '|--------|----:|',
      '| a      | 1.5 |',
      '| longer | 120 |',
    ]);
  });
});

const apiCost = (named: { requestsPerKill: number; maxRequestsPerTick: number; bytes: number[] }) => ({
  results: named.bytes.map((bytesPerKill, i) => ({
    pods: [10, 1000, 10000][i],
    named: { kills: 20, requestsPerKill: named.requestsPerKill, maxRequestsPerTick: named.maxRequestsPerTick, bytesPerKill },
    random: { maxRequestsPerTick: 3 },
  })),
});

describe('bench budgets', () => {
  it('passes three requests per kill with bytes flat across namespace sizes', () => {
    const budgets = evaluateBudgets({ 'api-cost': apiCost({ requestsPerKill: 3, maxRequestsPerTick: 3, bytes: [5000, 5010, 5020] }) });
    expect(budgets.every((b) => b.pass)).toBe(true);
    expect(exitCodeFor(budgets, { strict: false, missingGating: [] })).toBe(0);
  });

  it('fails the run when a kill costs a fourth request', () => {
    const budgets = evaluateBudgets({ 'api-cost': apiCost({ requestsPerKill: 4, maxRequestsPerTick: 4, bytes: [5000, 5000, 5000] }) });
    expect(budgets.filter((b) => !b.pass).map((b) => b.id)).toEqual([
      'api.requests-per-kill.10',
      'api.requests-per-kill.1000',
      'api.requests-per-kill.10000',
    ]);
    expect(exitCodeFor(budgets, { strict: false, missingGating: [] })).toBe(1);
  });

  it('fails the run when bytes per kill grow with the namespace (a namespace-wide LIST)', () => {
    const budgets = evaluateBudgets({ 'api-cost': apiCost({ requestsPerKill: 3, maxRequestsPerTick: 3, bytes: [5000, 400_000, 4_000_000] }) });
    const bytes = budgets.find((b) => b.id === 'api.bytes-independent-of-namespace');
    expect(bytes).toMatchObject({ pass: false, actual: 800 });
    expect(exitCodeFor(budgets, { strict: false, missingGating: [] })).toBe(1);
  });

  it('reports a missed timing budget but gates on it only with --strict', () => {
    const timer = { intervalMs: 10, ticks: 1000, scheduler: { p99: 14, driftMs: 2 } };
    const budgets = evaluateBudgets({ timer });
    expect(budgets.find((b) => b.id === 'timer.p99')).toMatchObject({ pass: false, deterministic: false });
    expect(exitCodeFor(budgets, { strict: false, missingGating: [] })).toBe(0);
    expect(exitCodeFor(budgets, { strict: true, missingGating: [] })).toBe(1);
  });

  it('fails when the request-count section could not run at all', () => {
    expect(exitCodeFor([], { strict: false, missingGating: ['api-cost'] })).toBe(1);
  });
});
