import pRetry from 'p-retry';

export interface PostOptions {
  /** Per attempt. Default 5000. */
  timeoutMs?: number;
  /** Extra attempts after the first. Default 3. */
  retries?: number;
  /** Delay before the first retry, doubling; default 1000 (tests use 0). */
  minRetryMs?: number;
  maxRetryMs?: number;
  signal?: AbortSignal | undefined;
  /** Told about every failed attempt, with a message that never contains the URL. */
  onFailedAttempt?: (message: string, attempt: number, retriesLeft: number) => void;
  fetch?: typeof fetch;
}

/**
 * POSTs `body` as JSON; any non-2xx answer, timeout or network error is retried with backoff. Rejects with an Error
 * whose message is safe to log: webhook URLs carry their secret in the path, so they never appear in a message.
 */
export async function postJson(url: string, body: unknown, options: PostOptions = {}): Promise<void> {
  const { timeoutMs = 5000, retries = 3, minRetryMs = 1000, maxRetryMs = 30_000, signal } = options;
  const doFetch = options.fetch ?? fetch;
  const attempt = async (): Promise<void> => {
    let response: Response;
    try {
      const timeout = AbortSignal.timeout(timeoutMs);
      response = await doFetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
    } catch (error) {
      throw new Error(describeFetchError(error, timeoutMs));
    }
    if (response.ok) {
      await response.body?.cancel();
      return;
    }
    const text = (await response.text().catch(() => '')).replace(/\s+/g, ' ').trim().slice(0, 200);
    throw new Error(`HTTP ${response.status}${text ? `: ${text}` : ''}`);
  };
  await pRetry(attempt, {
    retries,
    minTimeout: minRetryMs,
    maxTimeout: Math.max(minRetryMs, maxRetryMs),
    factor: 2,
    ...(signal ? { signal } : {}),
    onFailedAttempt: ({ error, attemptNumber, retriesLeft }) => options.onFailedAttempt?.(error.message, attemptNumber, retriesLeft),
  });
}

function describeFetchError(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && error.name === 'TimeoutError') return `timed out after ${timeoutMs} ms`;
  if (error instanceof Error && error.name === 'AbortError') return 'cancelled';
  const cause = error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  const code = typeof cause?.code === 'string' ? cause.code : (error as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string') return `request failed: ${code}`;
  return 'request failed';
}
