import { CookieError } from '../errors.js';
import { setLongTimeout } from '../long-timeout.js';
import { describeOperation, toCookieError, type AbortState, type Operation } from './errors.js';
import { withRetry, type RetryPolicy } from './retry.js';

/** Runs API calls with a per-request timeout, the caller's signal, error mapping and the retry policy. */
export interface Requester {
  call<T>(op: Omit<Operation, 'server'>, fn: (signal: AbortSignal) => Promise<T>, signal?: AbortSignal): Promise<T>;
  /** Follows `continue` tokens until the list is complete, mapping each page as it arrives (only one raw page is held). */
  listAll<T, R>(
    op: Omit<Operation, 'server'>,
    page: (next: string | undefined, signal: AbortSignal) => Promise<ListPage<T>>,
    map: (item: T) => R,
    signal?: AbortSignal,
  ): Promise<R[]>;
}

/** A Kubernetes list answer, as served. */
export interface ListPage<T> {
  items: T[];
  metadata?: { continue?: string | undefined } | undefined;
}

export interface RequestSettings {
  server: string;
  requestTimeoutMs: number;
  retry: RetryPolicy;
}

export function createRequester(settings: RequestSettings): Requester {
  const call = <T>(partial: Omit<Operation, 'server'>, fn: (signal: AbortSignal) => Promise<T>, signal?: AbortSignal): Promise<T> => {
    const op: Operation = { ...partial, server: settings.server };
    return withRetry(describeOperation(op), () => attempt(op, fn, settings.requestTimeoutMs, signal), settings.retry, signal);
  };
  return {
    call,
    async listAll(op, page, map, signal) {
      const items = [];
      let next: string | undefined;
      do {
        const token = next;
        const result = await call(op, (s) => page(token, s), signal);
        for (const item of result.items ?? []) items.push(map(item));
        next = result.metadata?.continue || undefined;
      } while (next);
      return items;
    },
  };
}

/** One HTTP request, aborted by its own timer or by the caller's signal; every failure becomes a CookieError. */
async function attempt<T>(op: Operation, fn: (signal: AbortSignal) => Promise<T>, timeoutMs: number, signal: AbortSignal | undefined): Promise<T> {
  if (signal?.aborted) throw new CookieError('cancelled', `cancelled: ${describeOperation(op)}`, { cause: signal.reason });
  const controller = new AbortController();
  const state: AbortState = { timedOut: false, cancelled: false, timeoutMs };
  const clearTimer = setLongTimeout(() => {
    state.timedOut = true;
    controller.abort(new Error(`timeout after ${timeoutMs} ms`));
  }, timeoutMs);
  const onAbort = (): void => {
    state.cancelled = true;
    controller.abort(signal?.reason);
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    return await fn(controller.signal);
  } catch (error) {
    throw toCookieError(error, op, state);
  } finally {
    clearTimer();
    signal?.removeEventListener('abort', onAbort);
  }
}
