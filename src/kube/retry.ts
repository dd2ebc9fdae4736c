import pRetry from 'p-retry';
import { CookieError, isCookieError } from '../errors.js';
import { isRetryable } from './errors.js';

/** How often and how patiently a failed request is tried again (429 except PDB refusals, 5xx, transient network). */
export interface RetryPolicy {
  /** Extra attempts after the first. Default 3. */
  retries: number;
  /** Delay before the first retry; doubles each time up to `maxTimeoutMs`. Default 200. Tests use 0. */
  minTimeoutMs: number;
  /** Default 2000. */
  maxTimeoutMs: number;
  /** Called before each retry with the number of the attempt that failed (1-based) and its one-line message. */
  onRetry?: ((operation: string, attempt: number, message: string) => void) | undefined;
}

/**
 * Runs `attempt` until it succeeds, fails with an error not worth retrying, or the retries are spent. `attempt` must
 * throw CookieErrors (see errors.ts); the last one is rethrown. Aborting `signal` ends the backoff at once.
 */
export async function withRetry<T>(
  operation: string,
  attempt: (attemptNumber: number) => Promise<T>,
  policy: RetryPolicy,
  signal?: AbortSignal,
): Promise<T> {
  try {
    return await pRetry(attempt, {
      retries: policy.retries,
      minTimeout: policy.minTimeoutMs,
      maxTimeout: Math.max(policy.minTimeoutMs, policy.maxTimeoutMs),
      factor: 2,
      randomize: false,
      ...(signal ? { signal } : {}),
      shouldRetry: ({ error, attemptNumber }) => {
        if (!isRetryable(error)) return false;
        policy.onRetry?.(operation, attemptNumber, error.message);
        return true;
      },
    });
  } catch (error) {
    if (signal?.aborted && !(isCookieError(error) && error.code === 'cancelled')) {
      throw new CookieError('cancelled', `cancelled: ${operation}`, { cause: signal.reason, details: { operation } });
    }
    throw error;
  }
}
