import type { Clock } from './clock.js';

export type LoopEnd = 'duration' | 'stopped' | 'aborted';

export interface LoopOptions {
  intervalMs: number;
  /** 0 = no end but the signal. */
  durationMs: number;
  /** End after this many ticks (a one-shot cookie: 1). */
  maxTicks?: number | undefined;
  /** Graceful stop: no new tick starts; the tick in flight finishes. */
  stop: AbortSignal;
  /** Hard abort (SIGINT/SIGTERM): also passed to the tick so its requests are cancelled. */
  abort?: AbortSignal | undefined;
}

/**
 * Runs `tick(n)` at once, then at start + n × interval (absolute deadlines, so lateness never accumulates),
 * until the duration ends or a signal fires. A tick that overruns makes the loop skip the deadlines it missed.
 */
export async function runTicks(
  tick: (n: number) => Promise<void>,
  clock: Clock,
  options: LoopOptions,
): Promise<LoopEnd> {
  const { intervalMs, durationMs, stop, abort } = options;
  const start = clock.now();
  const end = durationMs > 0 ? start + durationMs : Number.POSITIVE_INFINITY;
  const wake = anyOf(stop, abort);
  let n = 0;
  try {
    for (;;) {
      if (abort?.aborted) return 'aborted';
      if (stop.aborted) return 'stopped';
      await tick(n);
      if (abort?.aborted) return 'aborted';
      if (options.maxTicks !== undefined && n + 1 >= options.maxTicks) return 'duration';
      const now = clock.now();
      n = Math.max(n + 1, Math.ceil((now - start) / intervalMs));
      const deadline = start + n * intervalMs;
      if (deadline >= end) {
        if (end > now) await clock.sleep(end - now, wake.signal);
        return 'duration';
      }
      await clock.sleep(deadline - now, wake.signal);
    }
  } catch (error) {
    if (abort?.aborted) return 'aborted';
    if (stop.aborted) return 'stopped';
    throw error;
  } finally {
    wake.dispose();
  }
}

/** One signal that fires when any of the given ones does, with its listeners removed on dispose. */
export function anyOf(...signals: (AbortSignal | undefined)[]): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const present = signals.filter((s): s is AbortSignal => s !== undefined);
  const onAbort = (): void => controller.abort();
  for (const signal of present) {
    if (signal.aborted) controller.abort();
    else signal.addEventListener('abort', onAbort, { once: true });
  }
  return {
    signal: controller.signal,
    dispose: () => present.forEach((signal) => signal.removeEventListener('abort', onAbort)),
  };
}
