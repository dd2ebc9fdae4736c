import type { RouteContext } from './context.js';

/** What the router dispatches a request to; the token check reads `changesState` of this very object. */
export interface Route {
  readonly changesState: boolean;
  handle(ctx: RouteContext): Promise<void> | void;
}

/** A route that only reads (lists, shows, status, logs). */
export const reading = (handle: Route['handle']): Route => ({ changesState: false, handle });

/** A route that starts or stops chaos: it needs the bearer token when the server has one. */
export const changing = (handle: Route['handle']): Route => ({ changesState: true, handle });

/** True when the decoded path segments are exactly `expected`. */
export function segmentsAre(segments: readonly string[], ...expected: string[]): boolean {
  return segments.length === expected.length && expected.every((part, i) => segments[i] === part);
}
