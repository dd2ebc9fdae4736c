import { setImmediate as realSetImmediate, setTimeout as realSetTimeout } from 'node:timers';
import type { Clock } from '../../src/core/clock.js';

/** A Clock that only moves when a test says so. */
export interface FakeClock extends Clock {
  /**
   * Moves time forward by `ms`, waking every sleeper whose deadline is passed, in deadline order, at its own
   * deadline. Settles pending promises after each wake-up, so a loop that sleeps again inside the window is
   * woken again before `advance` returns.
   */
  advance(ms: number): Promise<void>;
  /** Sleeps registered and neither woken nor aborted. */
  pendingSleeps(): number;
  /** Resolves once at least `count` sleeps are pending (waits in real time; for code that does real I/O). */
  whenSleeping(count?: number, timeoutMs?: number): Promise<void>;
}

interface Sleeper {
  deadline: number;
  seq: number;
  wake: () => void;
}

/**
 * Settles every promise chain that can settle without real time passing. `node:timers` is imported on purpose:
 * vitest's fake timers do not reach it, so this helper keeps working in a test that fakes the globals.
 */
export function flushPromises(): Promise<void> {
  return new Promise((resolve) => realSetImmediate(resolve));
}

export function createFakeClock(start = 0): FakeClock {
  let now = start;
  let seq = 0;
  const sleepers = new Set<Sleeper>();

  const nextDue = (limit: number): Sleeper | undefined => {
    let first: Sleeper | undefined;
    for (const s of sleepers) {
      if (s.deadline > limit) continue;
      if (!first || s.deadline < first.deadline || (s.deadline === first.deadline && s.seq < first.seq)) first = s;
    }
    return first;
  };

  return {
    now: () => now,
    sleep(ms, signal) {
      return new Promise<void>((resolve, reject) => {
        if (signal?.aborted) {
          reject(signal.reason);
          return;
        }
        const onAbort = (): void => {
          sleepers.delete(sleeper);
          reject(signal?.reason);
        };
        const sleeper: Sleeper = {
          deadline: now + Math.max(0, ms),
          seq: seq++,
          wake: () => {
            signal?.removeEventListener('abort', onAbort);
            resolve();
          },
        };
        sleepers.add(sleeper);
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    },
    async advance(ms) {
      if (!(ms >= 0)) throw new Error(`advance: expected a duration ≥ 0, got ${ms}`);
      const target = now + ms;
      await flushPromises();
      for (let due = nextDue(target); due; due = nextDue(target)) {
        sleepers.delete(due);
        now = Math.max(now, due.deadline);
        due.wake();
        await flushPromises();
      }
      now = target;
      await flushPromises();
    },
    pendingSleeps: () => sleepers.size,
    async whenSleeping(count = 1, timeoutMs = 5_000) {
      const started = Date.now();
      while (sleepers.size < count) {
        if (Date.now() - started > timeoutMs) {
          throw new Error(`whenSleeping: expected ${count} pending sleeps within ${timeoutMs} ms, have ${sleepers.size}`);
        }
        await new Promise((resolve) => realSetTimeout(resolve, 1));
      }
    },
  };
}
