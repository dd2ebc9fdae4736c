import { randomIndex, type Rng } from './rng.js';

/** `n` distinct items chosen uniformly at random; a new array, the input is never reordered. */
export function pickVictims<T>(items: readonly T[], n: number, rng: Rng): T[] {
  const pool = [...items];
  const count = Math.max(0, Math.min(n, pool.length));
  for (let i = 0; i < count; i++) {
    const j = i + randomIndex(rng, pool.length - i);
    [pool[i], pool[j]] = [pool[j] as T, pool[i] as T];
  }
  return pool.slice(0, count);
}

export function pickOne<T>(items: readonly T[], rng: Rng): T | undefined {
  return items.length === 0 ? undefined : items[randomIndex(rng, items.length)];
}
