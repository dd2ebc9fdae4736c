import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../src/config/duration.js';
import { durationField } from '../../src/config/fields.js';

describe('parseDuration', () => {
  it.each([
    ['30s', 30_000],
    [30, 30_000],
    ['30', 30_000],
    [' 30s ', 30_000],
    ['1m30s', 90_000],
    ['1h', 3_600_000],
    ['1h2m3s', 3_723_000],
    ['500ms', 500],
    ['1.5s', 1_500],
    [1.5, 1_500],
    ['0', 0],
    [0, 0],
    ['2m500ms', 120_500],
  ])('%j → %d ms', (input, ms) => {
    expect(parseDuration(input)).toBe(ms);
  });

  it.each([['abc'], [''], ['30x'], ['s'], ['-1'], [-1], ['1m 30s'], ['30 s'], [Number.NaN], [Number.POSITIVE_INFINITY], ['1e3'], [1e300], ['9999999999999999h']])(
    '%j is not a duration',
    (input) => {
      expect(parseDuration(input)).toBeUndefined();
    },
  );
});

describe('formatDuration', () => {
  it.each([
    [0, '0ms'],
    [999, '999ms'],
    [1_500, '1.5s'],
    [30_000, '30s'],
    [90_000, '1m30s'],
    [600_000, '10m'],
    [3_723_000, '1h2m3s'],
  ])('%d ms → %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('round-trips through parseDuration for whole seconds', () => {
    for (const ms of [1_000, 59_000, 61_000, 3_600_000, 3_661_000]) expect(parseDuration(formatDuration(ms))).toBe(ms);
  });
});

describe('durationField', () => {
  const interval = durationField('a positive number of seconds', { min: 1 });

  it('accepts the original bare seconds and our strings', () => {
    expect(interval.parse(30)).toBe(30_000);
    expect(interval.parse('1m30s')).toBe(90_000);
  });

  it.each([
    [0, 'expected a positive number of seconds, got 0'],
    ['abc', 'expected a positive number of seconds, got "abc"'],
    [undefined, 'expected a positive number of seconds, got nothing'],
    [true, 'expected a positive number of seconds, got true'],
    [[30], 'expected a positive number of seconds, got a list of 1'],
    [null, 'expected a positive number of seconds, got null'],
  ])('%j is refused: %s', (input, message) => {
    const result = interval.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.message)).toEqual([message]);
  });

  it('allows 0 where the minimum is 0 (duration 0 = until stopped)', () => {
    expect(durationField('a number of seconds ≥ 0').parse(0)).toBe(0);
  });
});
