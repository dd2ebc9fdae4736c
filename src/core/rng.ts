import { randomUUID } from 'node:crypto';

/** Randomness, injected: a function returning a float in [0, 1). */
export type Rng = () => number;

/** mulberry32: small, fast and good enough to pick victims reproducibly from `--seed`. */
export function seededRng(seed: number): Rng {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A seed for runs without `--seed`; it is logged so any run can be replayed. */
export function randomSeed(): number {
  return Math.floor(Math.random() * 2 ** 31);
}

/** A run's id when none is given: its start time and 8 random hex digits, e.g. `20261204T144803-1974fa1a`. */
export function newRunId(startedAt: number): string {
  return `${new Date(startedAt).toISOString().replace(/[-:]/g, '').slice(0, 15)}-${randomUUID().slice(0, 8)}`;
}

/** An integer in [0, n). */
export function randomIndex(rng: Rng, n: number): number {
  return Math.min(n - 1, Math.floor(rng() * n));
}

/**
 * A new independent generator seeded from `rng`'s next value. Giving each cookie its own fork, taken in cookie order
 * before any I/O, keeps `--seed` runs reproducible however the cookies' API calls interleave.
 */
export function forkRng(rng: Rng): Rng {
  return seededRng(Math.floor(rng() * 2 ** 32));
}
