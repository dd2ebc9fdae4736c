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
      return Math.max(1, Math.ceil((count.percent / 100) * total));
    case 'max-percent': {
      const max = Math.max(1, Math.ceil((count.percent / 100) * total));
      return 1 + Math.floor(rng() * max);
    }
  }
}
