import { getEventListeners } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { systemClock } from '../../src/core/clock.js';
import { createFakeClock } from '../helpers/fake-clock.js';

describe('systemClock (global fake timers: this is a pure timer test, no I/O)', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 5_000 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('now() is Date.now()', () => {
    expect(systemClock.now()).toBe(5_000);
  });

  it('sleep resolves after ms, through the global setTimeout', async () => {
    let woke = false;
    const sleeping = systemClock.sleep(1_000).then(() => {
      woke = true;
    });
    await vi.advanceTimersByTimeAsync(999);
    expect(woke).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await sleeping;
    expect(woke).toBe(true);
  });

  it('sleeps longer than setTimeout can wait (2^31-1 ms) in chunks, and wakes only at the end', async () => {
    let woke = false;
    const sleeping = systemClock.sleep(1e12).then(() => {
      woke = true;
    });
    await vi.advanceTimersByTimeAsync(2 ** 31);
    expect(woke).toBe(false);
    await vi.advanceTimersByTimeAsync(1e12 - 2 ** 31 - 1);
    expect(woke).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await sleeping;
    expect(woke).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('aborting a long sleep in a later chunk clears that chunk', async () => {
    const controller = new AbortController();
    const sleeping = systemClock.sleep(600 * 3_600_000, controller.signal);
    await vi.advanceTimersByTimeAsync(2 ** 31 + 5);
    expect(vi.getTimerCount()).toBe(1);
    controller.abort(new Error('stop'));
    await expect(sleeping).rejects.toThrow('stop');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('abort rejects with the reason, clears the timer and the listener', async () => {
    const controller = new AbortController();
    const sleeping = systemClock.sleep(60_000, controller.signal);
    expect(vi.getTimerCount()).toBe(1);
    const reason = new Error('stop');
    controller.abort(reason);
    await expect(sleeping).rejects.toBe(reason);
    expect(vi.getTimerCount()).toBe(0);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('an already aborted signal rejects at once and sets no timer', async () => {
    const controller = new AbortController();
    controller.abort('gone');
    await expect(systemClock.sleep(1_000, controller.signal)).rejects.toBe('gone');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a finished sleep removes its abort listener', async () => {
    const controller = new AbortController();
    const sleeping = systemClock.sleep(10, controller.signal);
    await vi.advanceTimersByTimeAsync(10);
    await sleeping;
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });
});

describe('the fake clock helper', () => {
  it('wakes sleepers in deadline order, each at its own deadline', async () => {
    const clock = createFakeClock(100);
    const woke: [string, number][] = [];
    void clock.sleep(30).then(() => woke.push(['b', clock.now()]));
    void clock.sleep(10).then(() => woke.push(['a', clock.now()]));
    void clock.sleep(30).then(() => woke.push(['c', clock.now()]));
    expect(clock.pendingSleeps()).toBe(3);
    await clock.advance(29);
    expect(woke).toEqual([['a', 110]]);
    await clock.advance(1);
    expect(woke).toEqual([
      ['a', 110],
      ['b', 130],
      ['c', 130],
    ]);
    expect(clock.now()).toBe(130);
    expect(clock.pendingSleeps()).toBe(0);
  });

  it('wakes sleeps registered during the advance when they fall inside it', async () => {
    const clock = createFakeClock();
    const times: number[] = [];
    const loop = (async () => {
      for (let i = 0; i < 5; i++) {
        await clock.sleep(10);
        times.push(clock.now());
      }
    })();
    await clock.advance(35);
    expect(times).toEqual([10, 20, 30]);
    await clock.advance(100);
    await loop;
    expect(times).toEqual([10, 20, 30, 40, 50]);
  });

  it('abort rejects with the reason and forgets the sleep', async () => {
    const clock = createFakeClock();
    const controller = new AbortController();
    const sleeping = clock.sleep(1_000, controller.signal);
    controller.abort(new Error('why'));
    await expect(sleeping).rejects.toThrow('why');
    expect(clock.pendingSleeps()).toBe(0);
    const already = clock.sleep(1, controller.signal);
    await expect(already).rejects.toThrow('why');
  });

  it('sleep(0) waits for the next advance, like a timer', async () => {
    const clock = createFakeClock();
    let woke = false;
    void clock.sleep(0).then(() => {
      woke = true;
    });
    await Promise.resolve();
    expect(woke).toBe(false);
    await clock.advance(0);
    expect(woke).toBe(true);
  });

  it('whenSleeping waits for the given number of sleepers, and times out clearly', async () => {
    const clock = createFakeClock();
    setTimeout(() => void clock.sleep(5), 5);
    await clock.whenSleeping(1);
    expect(clock.pendingSleeps()).toBe(1);
    await expect(clock.whenSleeping(2, 30)).rejects.toThrow('expected 2 pending sleeps within 30 ms, have 1');
  });
});
