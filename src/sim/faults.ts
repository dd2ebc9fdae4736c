import type { StatusDetails } from './status.js';

/** What the next matching request(s) should suffer. */
export interface FaultSpec {
  /** Which requests; default every request. `path` has no query string. */
  match?: (method: string, path: string) => boolean;
  /** How many matching requests; default 1 (Infinity for all). */
  times?: number;
  /** Answer with this status and a matching `Status` body instead of serving the request. */
  status?: number;
  message?: string;
  reason?: string;
  details?: StatusDetails;
  /** Never answer (until the server closes). */
  hang?: boolean;
  /** Destroy the connection without an answer (the client sees ECONNRESET / socket hang up). */
  reset?: boolean;
  /** Wait this long first (then serve normally, or apply the other fields). */
  latencyMs?: number;
}

/** A queue of injected faults; the first one matching a request applies and counts down. */
export class Faults {
  private entries: { spec: FaultSpec; left: number }[] = [];

  add(spec: FaultSpec): void {
    const times = spec.times ?? 1;
    if (!(times > 0)) throw new Error(`fail: expected times > 0, got ${times}`);
    this.entries.push({ spec, left: times });
  }

  take(method: string, path: string): FaultSpec | undefined {
    const entry = this.entries.find((e) => e.left > 0 && (e.spec.match?.(method, path) ?? true));
    if (!entry) return undefined;
    entry.left--;
    this.entries = this.entries.filter((e) => e.left > 0);
    return entry.spec;
  }

  clear(): void {
    this.entries = [];
  }

  /** Faults still armed. */
  pending(): number {
    return this.entries.length;
  }
}

/** `match` helpers: `on('DELETE', /\/pods\//)`. */
export function on(method: string, path?: RegExp | string): (m: string, p: string) => boolean {
  return (m, p) => m === method && (path === undefined || (typeof path === 'string' ? p === path : path.test(p)));
}
