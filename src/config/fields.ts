import { z } from 'zod';
import { printable } from '../printable.js';
import { parseDuration } from './duration.js';

/** How a value we did not expect is shown in an error: `got 0`, `got "abc"`, `got nothing`. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return printable(JSON.stringify(value));
  if (Array.isArray(value)) return value.length === 0 ? 'an empty list' : `a list of ${value.length}`;
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  return String(value);
}

export const expected = (what: string) => (issue: { input?: unknown }) =>
  `expected ${what}, got ${describeValue(issue.input)}`;

/** A duration given as seconds (the original format) or a string like "30s"; `min` in milliseconds. */
export function durationField(what: string, { min = 0 }: { min?: number } = {}) {
  return z.unknown().transform((value, ctx) => {
    const ms = typeof value === 'number' || typeof value === 'string' ? parseDuration(value) : undefined;
    if (ms === undefined || ms < min || (min > 0 && ms === 0)) {
      ctx.addIssue({ code: 'custom', message: expected(what)({ input: value }), input: value });
      return z.NEVER;
    }
    return ms;
  });
}

export const dnsLabel = z
  .string({ error: expected('a namespace name') })
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, { error: expected('a lowercase DNS label like "openstack"') })
  .max(63, { error: expected('at most 63 characters') });

export const workloadKind = z.preprocess(
  (value) => (typeof value === 'string' ? value.toLowerCase() : value),
  z.enum(['deployment', 'statefulset', 'daemonset'], {
    error: expected('one of "deployment", "statefulset", "daemonset"'),
  }),
);

export const flag = (what: string) => z.boolean({ error: expected(what) });

/** Kill count per tick: one, fixed N, percent, max-percent (random up to P%), all. */
export type Count =
  | { mode: 'fixed'; n: number }
  | { mode: 'percent'; percent: number }
  | { mode: 'max-percent'; percent: number }
  | { mode: 'all' };

const countText = /^(?:(all)|(\d+)|(\d+(?:\.\d+)?)%|(?:max|<=)\s*(\d+(?:\.\d+)?)%)$/i;
export const countWhat = 'a positive whole number of pods, "N%", "max N%" or "all"';

export function parseCount(value: unknown): Count | undefined {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 1 ? { mode: 'fixed', n: value } : undefined;
  if (typeof value !== 'string') return undefined;
  const match = countText.exec(value.trim());
  if (!match) return undefined;
  const [, all, fixed, percent, maxPercent] = match;
  if (all) return { mode: 'all' };
  if (fixed) return Number(fixed) >= 1 ? { mode: 'fixed', n: Number(fixed) } : undefined;
  const p = Number(percent ?? maxPercent);
  if (!(p > 0 && p <= 100)) return undefined;
  return percent ? { mode: 'percent', percent: p } : { mode: 'max-percent', percent: p };
}

/** Absent = one pod per tick. `.optional()` before the transform lets a missing key reach it (zod 4). */
export const countField = z.unknown().optional().transform((value, ctx) => {
  const count = value === undefined ? { mode: 'fixed' as const, n: 1 } : parseCount(value);
  if (!count) {
    ctx.addIssue({ code: 'custom', message: expected(countWhat)({ input: value }), input: value });
    return z.NEVER;
  }
  return count;
});

export function describeCount(count: Count): string {
  switch (count.mode) {
    case 'fixed':
      return count.n === 1 ? '1 pod' : `${count.n} pods`;
    case 'percent':
      return `${count.percent}% of pods`;
    case 'max-percent':
      return `up to ${count.percent}% of pods`;
    case 'all':
      return 'all pods';
  }
}
