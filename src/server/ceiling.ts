import type { Cookie } from '../config/schema.js';
import type { BiteOptions } from '../core/cookies/context.js';
import { HttpError } from './http-io.js';

/** The settings `serve` was started with that a REST request could otherwise loosen. */
export type Ceiling = Pick<BiteOptions, 'dryRun' | 'allowKubeSystem' | 'mode' | 'gracePeriodSeconds'>;

/** The original rule ("Only one pod available, doing nothing"): no request may go below it. */
const minAvailableFloor = 2;

export interface RequestedSettings {
  dryRun: boolean | undefined;
  /** A cookie sent in the request body; cookies named by reference are the operator's files and are not checked. */
  inline: Cookie | undefined;
}

/** One line per field of the request that would widen the server's settings; empty when it only narrows them. */
export function ceilingViolations(request: RequestedSettings, ceiling: Ceiling): string[] {
  const problems: string[] = [];
  const at = (field: string, text: string): number => problems.push(`request body: ${field}: ${text}`);
  if (ceiling.dryRun && request.dryRun === false) at('dryRun', 'the server runs with --dry-run; a request may turn dry-run on, never off; got false');
  const cookie = request.inline;
  if (cookie?.group !== 'killpod') return problems;
  if (cookie.safety.allowKubeSystem && !ceiling.allowKubeSystem) {
    at('cookie.safety.allowKubeSystem', 'the server runs without --allow-kube-system, so a request cannot allow kube-system; got true');
  }
  if (cookie.safety.minAvailable < minAvailableFloor) {
    at('cookie.safety.minAvailable', `expected at least ${minAvailableFloor} (the server’s floor), got ${cookie.safety.minAvailable}`);
  }
  if (ceiling.mode === 'evict' && cookie.mode === 'delete') {
    at('cookie.mode', 'the server kills through the eviction API (--mode evict), so a request cannot ask for "delete"');
  }
  const grace = cookie.gracePeriodSeconds;
  if (grace !== undefined && ceiling.gracePeriodSeconds === undefined) {
    at('cookie.gracePeriod', `the server keeps each pod’s own grace period (no --grace-period), so a request cannot set one; got ${grace}s`);
  } else if (grace !== undefined && ceiling.gracePeriodSeconds !== undefined && grace < ceiling.gracePeriodSeconds) {
    at('cookie.gracePeriod', `expected at least ${ceiling.gracePeriodSeconds}s (the server’s --grace-period), got ${grace}s`);
  }
  return problems;
}

/** Throws 403 naming the first field that would widen the server's settings. */
export function enforceCeiling(request: RequestedSettings, ceiling: Ceiling): void {
  const problems = ceilingViolations(request, ceiling);
  if (problems.length === 0) return;
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
  throw new HttpError(403, 'forbidden', `${problems[0]}${more}`, 'a request may narrow the server’s flags (dryRun: true, a larger safety.minAvailable, quorum: true, evict instead of delete, a longer gracePeriod), never widen them');
}
