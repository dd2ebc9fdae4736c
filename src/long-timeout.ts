/** The longest delay `setTimeout` honours; Node fires a longer one after 1 ms. */
export const maxTimerDelayMs = 2 ** 31 - 1;

/**
 * `setTimeout` for any delay: a delay past `maxTimerDelayMs` is waited in chunks. Uses the global `setTimeout`, so
 * vitest's fake timers drive it too. Returns the function that cancels it.
 */
export function setLongTimeout(callback: () => void, ms: number): () => void {
  let left = Math.max(0, ms);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const wait = (): void => {
    const chunk = Math.min(left, maxTimerDelayMs);
    left -= chunk;
    timer = setTimeout(left > 0 ? wait : callback, chunk);
  };
  wait();
  return () => clearTimeout(timer);
}

/** Like `AbortSignal.timeout(ms)` for any delay; `clear` stops the timer once the guarded work is done. */
export function longTimeoutSignal(ms: number): { signal: AbortSignal; clear: () => void } {
  const controller = new AbortController();
  const clear = setLongTimeout(() => controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError')), ms);
  return { signal: controller.signal, clear };
}
