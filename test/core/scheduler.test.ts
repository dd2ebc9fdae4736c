import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { Clock } from '../../src/core/clock.js';
import { anyOf, runTicks, type LoopEnd, type LoopOptions } from '../../src/core/scheduler.js';
import { createFakeClock, type FakeClock } from '../helpers/fake-clock.js';

interface Tick {
  n: number;
  at: number;
}

/** Starts a loop whose ticks record when they ran and optionally take (fake) time. */
function startLoop(
  clock: FakeClock,
  options: Partial<LoopOptions> & { takes?: (n: number) => number } = {},
): { ticks: Tick[]; stop: AbortController; abort: AbortController; result: Promise<LoopEnd>; settled: () => boolean } {
  const ticks: Tick[] = [];
  const stop = new AbortController();
  const abort = new AbortController();
  let done = false;
  const tick = async (n: number): Promise<void> => {
    ticks.push({ n, at: clock.now() });
    const ms = options.takes?.(n) ?? 0;
    if (ms > 0) await clock.sleep(ms);
  };
  const result = runTicks(tick, clock, {
    intervalMs: options.intervalMs ?? 60_000,
    durationMs: options.durationMs ?? 0,
    stop: options.stop ?? stop.signal,
    abort: options.abort ?? abort.signal,
  }).finally(() => {
    done = true;
  });
  return { ticks, stop, abort, result, settled: () => done };
}

const at = (ticks: Tick[]) => ticks.map((t) => t.at);

describe('runTicks with a hand-driven clock', () => {
  it('runs the first tick at once, then one per interval', async () => {
    const clock = createFakeClock(1_000);
    const loop = startLoop(clock, { intervalMs: 60_000 });
    expect(at(loop.ticks)).toEqual([1_000]);
    await clock.advance(59_999);
    expect(loop.ticks).toHaveLength(1);
    await clock.advance(1);
    expect(at(loop.ticks)).toEqual([1_000, 61_000]);
    await clock.advance(120_000);
    expect(loop.ticks.map((t) => t.n)).toEqual([0, 1, 2, 3]);
    loop.stop.abort();
    expect(await loop.result).toBe('stopped');
  });

  it.each([
    [60_000, 600_000, 10],
    [60_000, 130_000, 3],
    [30_000, 600_000, 20],
    [1_000, 1_000, 1],
    [60_000, 59_000, 1],
  ])('interval %d ms, duration %d ms → exactly %d ticks, ending at the duration', async (intervalMs, durationMs, count) => {
    const clock = createFakeClock();
    const loop = startLoop(clock, { intervalMs, durationMs });
    await clock.advance(durationMs - 1);
    expect(loop.settled()).toBe(false);
    await clock.advance(1);
    expect(await loop.result).toBe('duration');
    expect(loop.ticks).toHaveLength(count);
    expect(at(loop.ticks)).toEqual(Array.from({ length: count }, (_, i) => i * intervalMs));
    expect(clock.pendingSleeps()).toBe(0);
  });

  it('does not drift: deadlines are absolute even when every tick takes time', async () => {
    const clock = createFakeClock();
    const loop = startLoop(clock, { intervalMs: 60_000, durationMs: 600_000, takes: () => 7_000 });
    await clock.advance(600_000);
    expect(await loop.result).toBe('duration');
    expect(at(loop.ticks)).toEqual([0, 60_000, 120_000, 180_000, 240_000, 300_000, 360_000, 420_000, 480_000, 540_000]);
  });

  it('an overrunning tick skips the deadlines it missed instead of bursting to catch up', async () => {
    const clock = createFakeClock();
    const loop = startLoop(clock, { intervalMs: 60_000, takes: (n) => (n === 1 ? 150_000 : 0) });
    await clock.advance(330_000);
    loop.stop.abort();
    expect(await loop.result).toBe('stopped');
    expect(loop.ticks).toEqual([
      { n: 0, at: 0 },
      { n: 1, at: 60_000 },
      { n: 4, at: 240_000 },
      { n: 5, at: 300_000 },
    ]);
  });

  it('a tick that ends exactly on the next deadline is followed at once', async () => {
    const clock = createFakeClock();
    const loop = startLoop(clock, { intervalMs: 10_000, takes: (n) => (n === 0 ? 10_000 : 0) });
    await clock.advance(10_000);
    expect(loop.ticks).toEqual([
      { n: 0, at: 0 },
      { n: 1, at: 10_000 },
    ]);
    loop.stop.abort();
    await loop.result;
  });

  it('a tick running past the end of the duration ends the loop when it returns', async () => {
    const clock = createFakeClock();
    const loop = startLoop(clock, { intervalMs: 60_000, durationMs: 100_000, takes: (n) => (n === 1 ? 90_000 : 0) });
    await clock.advance(150_000);
    expect(await loop.result).toBe('duration');
    expect(at(loop.ticks)).toEqual([0, 60_000]);
  });

  it('stop() during a sleep ends the loop promptly, without time passing', async () => {
    const clock = createFakeClock();
    const loop = startLoop(clock, { intervalMs: 3_600_000 });
    await clock.advance(1_000);
    expect(clock.pendingSleeps()).toBe(1);
    loop.stop.abort();
    expect(await loop.result).toBe('stopped');
    expect(clock.now()).toBe(1_000);
    expect(clock.pendingSleeps()).toBe(0);
  });

  it('stop() during a tick lets the tick finish and starts no other', async () => {
    const clock = createFakeClock();
    const loop = startLoop(clock, { intervalMs: 1_000, takes: () => 5_000 });
    await clock.advance(2_000);
    loop.stop.abort();
    expect(loop.settled()).toBe(false);
    await clock.advance(3_000);
    expect(await loop.result).toBe('stopped');
    expect(loop.ticks).toHaveLength(1);
  });

  it('abort returns "aborted", and wins over stop', async () => {
    const clock = createFakeClock();
    const loop = startLoop(clock);
    await clock.advance(1);
    loop.stop.abort();
    loop.abort.abort(new Error('SIGTERM'));
    expect(await loop.result).toBe('aborted');
    expect(clock.pendingSleeps()).toBe(0);
  });

  it('signals already fired: no tick at all', async () => {
    const clock = createFakeClock();
    const abort = new AbortController();
    abort.abort();
    const loop = startLoop(clock, { abort: abort.signal });
    expect(await loop.result).toBe('aborted');
    expect(loop.ticks).toEqual([]);
    const stop = new AbortController();
    stop.abort();
    const stopped = startLoop(clock, { stop: stop.signal });
    expect(await stopped.result).toBe('stopped');
    expect(stopped.ticks).toEqual([]);
  });

  it('leaves no abort listener behind on the signals it was given', async () => {
    const clock = createFakeClock();
    const stop = new AbortController();
    const abort = new AbortController();
    const loop = startLoop(clock, { intervalMs: 1_000, durationMs: 5_000, stop: stop.signal, abort: abort.signal });
    await clock.advance(500);
    expect(getEventListeners(stop.signal, 'abort')).toHaveLength(1);
    await clock.advance(5_000);
    expect(await loop.result).toBe('duration');
    expect(getEventListeners(stop.signal, 'abort')).toHaveLength(0);
    expect(getEventListeners(abort.signal, 'abort')).toHaveLength(0);
  });

  it('a tick that throws ends the loop with its error (ticks are expected to catch their own)', async () => {
    const clock = createFakeClock();
    const boom = new Error('boom');
    const result = runTicks(
      async (n) => {
        if (n === 1) throw boom;
      },
      clock,
      { intervalMs: 1_000, durationMs: 0, stop: new AbortController().signal },
    );
    const failed = expect(result).rejects.toBe(boom);
    await clock.advance(1_000);
    await failed;
    expect(clock.pendingSleeps()).toBe(0);
  });

  it('10,000 ticks on the injected clock, with no real waiting', async () => {
    const clock = createFakeClock();
    const loop = startLoop(clock, { intervalMs: 1_000, durationMs: 10_000_000 });
    await clock.advance(10_000_000);
    expect(await loop.result).toBe('duration');
    expect(loop.ticks).toHaveLength(10_000);
    expect(loop.ticks.at(-1)).toEqual({ n: 9_999, at: 9_999_000 });
    expect(clock.pendingSleeps()).toBe(0);
  });

  it('works with any Clock: a clock whose now() moves on its own during ticks', async () => {
    let now = 0;
    const sleeps: number[] = [];
    const clock: Clock = {
      now: () => now,
      sleep: async (ms) => {
        sleeps.push(ms);
        now += ms;
      },
    };
    const ticks: number[] = [];
    const end = await runTicks(
      async () => {
        ticks.push(now);
        now += 250;
      },
      clock,
      { intervalMs: 1_000, durationMs: 3_500, stop: new AbortController().signal },
    );
    expect(end).toBe('duration');
    expect(ticks).toEqual([0, 1_000, 2_000, 3_000]);
    expect(sleeps).toEqual([750, 750, 750, 250]);
  });
});

describe('anyOf', () => {
  it('fires when any signal fires, and dispose removes its listeners', () => {
    const a = new AbortController();
    const b = new AbortController();
    const both = anyOf(a.signal, undefined, b.signal);
    expect(both.signal.aborted).toBe(false);
    b.abort();
    expect(both.signal.aborted).toBe(true);
    both.dispose();
    expect(getEventListeners(a.signal, 'abort')).toHaveLength(0);
  });

  it('is aborted at once when a signal already is', () => {
    const a = new AbortController();
    a.abort();
    expect(anyOf(a.signal).signal.aborted).toBe(true);
  });
});
