import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock } from '../core/clock.js';
import type { Ceiling } from './ceiling.js';
import type { CookieCatalog } from '../config/catalog.js';
import type { JobRegistry } from './jobs.js';

/** What a route handler gets for one request. */
export interface RouteContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  /** Path segments, decoded: `/start/killpod/x` → ['start', 'killpod', 'x']. */
  segments: string[];
  jobs: JobRegistry;
  cookies: CookieCatalog;
  clock: Clock;
  server: string;
  /** The server's own settings: a request may narrow them, never widen them. */
  ceiling: Ceiling;
  /** A server log line (the original's wording where it had one). */
  say: (line: string) => void;
}
