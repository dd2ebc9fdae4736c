import { describe, expect, it } from 'vitest';
import { mapWithConcurrency } from '../../src/core/concurrency.js';
import { flushPromises } from '../helpers/fake-clock.js';

/** Tasks that stay in flight until the test releases them. */
function gatedTasks() {
  let inFlight = 0;
  let maxInFlight = 0;
  const started: number[] = [];
  const gates: (() => void)[] = [];
  const task = async (item: number): Promise<string> => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    started.push(item);
    await new Promise<void>((resolve) => gates.push(resolve));
    inFlight--;
    return `done-${item}`;
  };
  return { task, started, gates, maxInFlight: () => maxInFlight };
}

describe('mapWithConcurrency', () => {
  it.each([
    [1, 10, 1],
    [3, 10, 3],
    [10, 3, 3],
    [0, 4, 1],
  ])('limit %d over %d items: at most %d in flight, results in input order', async (limit, count, most) => {
    const items = Array.from({ length: count }, (_, i) => i);
    const { task, gates, maxInFlight } = gatedTasks();
    const all = mapWithConcurrency(items, limit, task);
    for (let released = 0; released < count; released++) {
      await flushPromises();
      expect(gates.length).toBeGreaterThan(0);
      // Release the newest first, so completion order differs from input order.
      gates.pop()?.();
    }
    expect(await all).toEqual(items.map((i) => `done-${i}`));
    expect(maxInFlight()).toBe(most);
  });

  it('no items: no work', async () => {
    expect(await mapWithConcurrency([], 5, async () => 1)).toEqual([]);
  });

  it('a failing task rejects the whole map', async () => {
    await expect(
      mapWithConcurrency([1, 2, 3], 2, async (n) => {
        if (n === 2) throw new Error('two');
        return n;
      }),
    ).rejects.toThrow('two');
  });
});
