import type { Count } from '../config/fields.js';
import type { Rng } from './rng.js';

/** How many victims a count asks for among `total` candidates (before the safety floor caps it). */
export function resolveCount(count: Count, total: number, rng: Rng): number {
  if (total <= 0) return 0;
  switch (count.mode) {
    case 'fixed':
      return Math.min(count.n, total);
    case 'all':
      return total;
    case 'percent':
      return percentOf(count.percent, total);
    case 'max-percent':
      return 1 + Math.floor(rng() * percentOf(count.percent, total));
  }
}

/** At least one pod, rounded up; `percent × total / 100` keeps whole results exact (7% of 100 is 7, not 8). */
function percentOf(percent: number, total: number): number {
  return Math.min(total, Math.max(1, Math.ceil((percent * total) / 100 - 1e-9)));
}
