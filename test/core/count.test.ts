import { describe, expect, it } from 'vitest';
import type { Count } from '../../src/config/fields.js';
import { resolveCount } from '../../src/core/count.js';
import { seededRng } from '../../src/core/rng.js';

const never = () => {
  throw new Error('this count mode must not use randomness');
};

describe('resolveCount: how many victims a count asks for', () => {
  it.each<[Count, number, number]>([
    [{ mode: 'fixed', n: 1 }, 5, 1],
    [{ mode: 'fixed', n: 3 }, 5, 3],
    [{ mode: 'fixed', n: 3 }, 2, 2],
    [{ mode: 'fixed', n: 3 }, 0, 0],
    [{ mode: 'all' }, 7, 7],
    [{ mode: 'all' }, 0, 0],
    [{ mode: 'percent', percent: 50 }, 4, 2],
    [{ mode: 'percent', percent: 50 }, 5, 3],
    [{ mode: 'percent', percent: 10 }, 3, 1],
    [{ mode: 'percent', percent: 7 }, 100, 7],
    [{ mode: 'percent', percent: 70 }, 10, 7],
    [{ mode: 'percent', percent: 100 }, 9, 9],
    [{ mode: 'percent', percent: 1 }, 1, 1],
    [{ mode: 'percent', percent: 50 }, 0, 0],
  ])('%j of %d candidates → %d', (count, total, expected) => {
    expect(resolveCount(count, total, never)).toBe(expected);
  });

  it('max-percent: between 1 and ceil(P% × total), every value reachable', () => {
    const rng = seededRng(11);
    const seen = new Set<number>();
    for (let i = 0; i < 2_000; i++) seen.add(resolveCount({ mode: 'max-percent', percent: 30 }, 20, rng));
    expect([...seen].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it.each([
    [0, 1],
    [0.999_999, 6],
  ])('max-percent with rng %d → %d', (value, expected) => {
    expect(resolveCount({ mode: 'max-percent', percent: 30 }, 20, () => value)).toBe(expected);
  });

  it('never more than the candidates, whatever the percent', () => {
    for (let total = 1; total <= 200; total++) {
      for (const percent of [0.5, 7, 12.5, 33.3, 99.9, 100]) {
        const n = resolveCount({ mode: 'percent', percent }, total, never);
        expect(n).toBeGreaterThanOrEqual(1);
        expect(n).toBeLessThanOrEqual(total);
        expect(n).toBeGreaterThanOrEqual((percent / 100) * total - 1e-6);
      }
    }
  });
});
