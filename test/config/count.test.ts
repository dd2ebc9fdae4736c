import { describe, expect, it } from 'vitest';
import { countField, describeCount, parseCount, type Count } from '../../src/config/fields.js';

describe('parseCount: the kill count per tick', () => {
  it.each<[unknown, Count]>([
    [1, { mode: 'fixed', n: 1 }],
    [3, { mode: 'fixed', n: 3 }],
    ['3', { mode: 'fixed', n: 3 }],
    ['50%', { mode: 'percent', percent: 50 }],
    ['12.5%', { mode: 'percent', percent: 12.5 }],
    ['100%', { mode: 'percent', percent: 100 }],
    ['max 30%', { mode: 'max-percent', percent: 30 }],
    ['MAX 30%', { mode: 'max-percent', percent: 30 }],
    ['max30%', { mode: 'max-percent', percent: 30 }],
    ['<=30%', { mode: 'max-percent', percent: 30 }],
    ['all', { mode: 'all' }],
    ['All', { mode: 'all' }],
    [' all ', { mode: 'all' }],
  ])('%j → %j', (input, count) => {
    expect(parseCount(input)).toEqual(count);
  });

  it.each([[0], [-1], [1.5], ['0'], ['-1'], ['x'], ['0%'], ['101%'], ['max 0%'], ['max'], ['50 %'], [''], [null], [true], [[1]]])(
    '%j is refused',
    (input) => {
      expect(parseCount(input)).toBeUndefined();
    },
  );
});

describe('countField', () => {
  it('defaults to one pod when absent, as the original killed exactly one', () => {
    expect(countField.parse(undefined)).toEqual({ mode: 'fixed', n: 1 });
  });

  it.each([
    [0, 'got 0'],
    [-1, 'got -1'],
    ['x', 'got "x"'],
  ])('%j: one message naming what was expected and what was found', (input, found) => {
    const result = countField.safeParse(input);
    expect(result.error?.issues.map((i) => i.message)).toEqual([
      `expected a positive whole number of pods, "N%", "max N%" or "all", ${found}`,
    ]);
  });
});

describe('describeCount', () => {
  it.each<[Count, string]>([
    [{ mode: 'fixed', n: 1 }, '1 pod'],
    [{ mode: 'fixed', n: 3 }, '3 pods'],
    [{ mode: 'percent', percent: 50 }, '50% of pods'],
    [{ mode: 'max-percent', percent: 30 }, 'up to 30% of pods'],
    [{ mode: 'all' }, 'all pods'],
  ])('%j → %s', (count, text) => {
    expect(describeCount(count)).toBe(text);
  });
});
