import type { Tolerance } from './spec.js';

/** The running count a tolerance is judged on. */
export interface Tally {
  samples: number;
  failures: number;
  /** Failures in a row, up to the last sample. */
  streak: number;
}

export const emptyTally = (): Tally => ({ samples: 0, failures: 0, streak: 0 });

export function record(tally: Tally, ok: boolean): Tally {
  return { samples: tally.samples + 1, failures: tally.failures + (ok ? 0 : 1), streak: ok ? 0 : tally.streak + 1 };
}

export function breaches(tally: Tally, tolerance: Tolerance): boolean {
  if ('maxFailures' in tolerance) return tally.failures > tolerance.maxFailures;
  if ('failureRatio' in tolerance) return tally.samples > 0 && tally.failures / tally.samples > tolerance.failureRatio;
  return tally.streak >= tolerance.consecutive;
}

export function describeTolerance(tolerance: Tolerance): string {
  if ('maxFailures' in tolerance) return `at most ${tolerance.maxFailures} failed`;
  if ('failureRatio' in tolerance) return `at most ${tolerance.failureRatio * 100}% failed`;
  return `fewer than ${tolerance.consecutive} failures in a row`;
}
