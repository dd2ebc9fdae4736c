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

interface Recovered {
  kills: number;
  requestsPerKill: number;
  maxRequestsPerTick: number;
  recoveryMethods: string[];
}
const recoveredOnce: Recovered = { kills: 10, requestsPerKill: 1, maxRequestsPerTick: 1, recoveryMethods: ['watch'] };

const apiCost = (
  named: { requestsPerKill: number; maxRequestsPerTick: number; bytes: number[] },
  random = { requestsPerKill: 1, maxRequestsPerTick: 1 },
  recovered: { named: Recovered; random: Recovered } = { named: recoveredOnce, random: recoveredOnce },
) => ({
  results: named.bytes.map((bytesPerKill, i) => ({
    pods: [10, 1000, 10000][i],
    podBytes: 3000,
    named: { kills: 20, requestsPerKill: named.requestsPerKill, maxRequestsPerTick: named.maxRequestsPerTick, bytesPerKill },
    random: { kills: 12, ...random },
    namedRecovered: recovered.named,
    randomRecovered: recovered.random,
  })),
});

describe('bench budgets', () => {
  it('passes one request per kill with bytes of one pod, flat across namespace sizes', () => {
    const budgets = evaluateBudgets({ 'api-cost': apiCost({ requestsPerKill: 1, maxRequestsPerTick: 1, bytes: [3000, 3010, 3020] }) });
    expect(budgets.every((b) => b.pass)).toBe(true);
    expect(exitCodeFor(budgets, { strict: false, missingGating: [] })).toBe(0);
  });

  it('fails the run when a kill costs a second request (a GET or LIST beside the DELETE), named or random', () => {
    const budgets = evaluateBudgets({ 'api-cost': apiCost({ requestsPerKill: 2, maxRequestsPerTick: 2, bytes: [3000, 3000, 3000] }, { requestsPerKill: 1, maxRequestsPerTick: 2 }) });
    expect(budgets.filter((b) => !b.pass).map((b) => b.id)).toEqual([
      'api.requests-per-kill.10',
      'api.requests-per-kill-random.10',
      'api.requests-per-kill.1000',
      'api.requests-per-kill-random.1000',
      'api.requests-per-kill.10000',
      'api.requests-per-kill-random.10000',
    ]);
    expect(exitCodeFor(budgets, { strict: false, missingGating: [] })).toBe(1);
  });

  it('fails the run when following a real kill to its recovery costs requests beside the DELETE, or falls back to polling', () => {
    const failing = (recovered: { named: Recovered; random: Recovered }) =>
      evaluateBudgets({ 'api-cost': apiCost({ requestsPerKill: 1, maxRequestsPerTick: 1, bytes: [3000, 3000, 3000] }, undefined, recovered) })
        .filter((b) => !b.pass)
        .map((b) => b.id);
    // A random cookie's recovery watching its workload on its own: a LIST and a WATCH of it and of its pods per kill.
    expect(failing({ named: recoveredOnce, random: { kills: 3, requestsPerKill: 5, maxRequestsPerTick: 5, recoveryMethods: ['watch'] } })).toEqual([
      'api.requests-per-kill-recovered-random.10',
      'api.requests-per-kill-recovered-random.1000',
      'api.requests-per-kill-recovered-random.10000',
    ]);
    expect(failing({ named: { ...recoveredOnce, recoveryMethods: ['watch', 'poll'] }, random: recoveredOnce })).toEqual([
      'api.requests-per-kill-recovered.10',
      'api.requests-per-kill-recovered.1000',
      'api.requests-per-kill-recovered.10000',
    ]);
    // A random pick of a Deployment without pods kills nothing and costs nothing: that passes; a named one must kill.
    expect(failing({ named: recoveredOnce, random: { kills: 0, requestsPerKill: Number.NaN, maxRequestsPerTick: 0, recoveryMethods: [] } })).toEqual([]);
    expect(failing({ named: { kills: 0, requestsPerKill: Number.NaN, maxRequestsPerTick: 0, recoveryMethods: [] }, random: recoveredOnce })).toHaveLength(3);
  });

  it('fails the run when bytes per kill grow with the namespace (a namespace-wide LIST), or pass two pod objects', () => {
    const budgets = evaluateBudgets({ 'api-cost': apiCost({ requestsPerKill: 1, maxRequestsPerTick: 1, bytes: [5000, 400_000, 4_000_000] }) });
    expect(budgets.find((b) => b.id === 'api.bytes-independent-of-namespace')).toMatchObject({ pass: false, actual: 800 });
    expect(budgets.filter((b) => b.id.startsWith('api.bytes-per-kill.')).map((b) => b.pass)).toEqual([true, false, false]);
    expect(exitCodeFor(budgets, { strict: false, missingGating: [] })).toBe(1);
  });

  it('judges detection by its p99 and never below zero, and recovery by its worst error on the watch', () => {
    const detection = (p99: number, min: number, error: { min: number; max: number }, methods = ['watch']) => ({
      readyDelayMs: 2000,
      kills: 36,
      detectionMs: { n: 180, min, p99 },
      watchErrorMs: error,
      methods,
    });
    const ids = (d: ReturnType<typeof detection>) => evaluateBudgets({ detection: d }).filter((b) => !b.pass).map((b) => b.id);
    expect(ids(detection(4, 0.2, { min: 1, max: 12 }))).toEqual([]);
    expect(ids(detection(21, 0.2, { min: 1, max: 12 }))).toEqual(['detection.p99']);
    expect(ids(detection(4, -5, { min: 1, max: 12 }))).toEqual(['detection.p99']);
    expect(ids(detection(4, 0.2, { min: -60, max: 12 }))).toEqual(['detection.recovered-vs-truth']);
    expect(ids(detection(4, 0.2, { min: 1, max: 12 }, ['poll']))).toEqual(['detection.recovered-vs-truth']);
    expect(evaluateBudgets({ detection: detection(21, 0, { min: 0, max: 0 }) })[0]).toMatchObject({ deterministic: false });
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
