import { describe, expect, it } from 'vitest';
import { pickOne, pickVictims } from '../../src/core/pick.js';
import { forkRng, randomIndex, seededRng } from '../../src/core/rng.js';

const pods = Array.from({ length: 10 }, (_, i) => `pod-${i}`);

describe('pickVictims', () => {
  it.each([
    [0, 0],
    [1, 1],
    [3, 3],
    [10, 10],
    [11, 10],
    [-2, 0],
  ])('asks for %d of 10 → gets %d distinct items of the input', (n, expected) => {
    const victims = pickVictims(pods, n, seededRng(7));
    expect(victims).toHaveLength(expected);
    expect(new Set(victims).size).toBe(expected);
    for (const victim of victims) expect(pods).toContain(victim);
  });

  it('never reorders or mutates its input, and returns a new array', () => {
    const input = Object.freeze([...pods]);
    const victims = pickVictims(input, 10, seededRng(1));
    expect(input).toEqual(pods);
    expect(victims).not.toBe(input);
    expect(victims).not.toEqual(pods);
    expect([...victims].sort()).toEqual([...pods].sort());
  });

  it('is reproducible: the same seed gives the same victims, other seeds differ', () => {
    const draw = (seed: number) => {
      const rng = seededRng(seed);
      return Array.from({ length: 20 }, () => pickVictims(pods, 3, rng));
    };
    expect(draw(42)).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
  });

  it('is uniform: one of 10 over 100,000 draws, every pod within 5% of 10,000', () => {
    const rng = seededRng(2024);
    const counts = new Map<string, number>();
    for (let i = 0; i < 100_000; i++) {
      const [victim] = pickVictims(pods, 1, rng);
      counts.set(victim ?? '', (counts.get(victim ?? '') ?? 0) + 1);
    }
    expect(counts.size).toBe(10);
    for (const count of counts.values()) expect(Math.abs(count - 10_000)).toBeLessThan(500);
  });

  it('is uniform over positions too: 3 of 10, each pod chosen 30% ± 1.5% of 50,000 draws, and in every slot', () => {
    const rng = seededRng(99);
    const chosen = new Map<string, number>();
    const firstSlot = new Map<string, number>();
    for (let i = 0; i < 50_000; i++) {
      const victims = pickVictims(pods, 3, rng);
      for (const v of victims) chosen.set(v, (chosen.get(v) ?? 0) + 1);
      const first = victims[0] ?? '';
      firstSlot.set(first, (firstSlot.get(first) ?? 0) + 1);
    }
    for (const pod of pods) {
      expect(Math.abs((chosen.get(pod) ?? 0) / 50_000 - 0.3)).toBeLessThan(0.015);
      expect(Math.abs((firstSlot.get(pod) ?? 0) / 50_000 - 0.1)).toBeLessThan(0.01);
    }
  });

  it('stays in bounds with an rng at the edges of [0, 1)', () => {
    expect(pickVictims(pods, 2, () => 0)).toEqual(['pod-0', 'pod-1']);
    expect(pickVictims(pods, 2, () => 0.999_999_999_9)).toEqual(['pod-9', 'pod-0']);
    expect(pickVictims(pods, 10, () => 1)).toHaveLength(10);
  });
});

describe('pickOne', () => {
  it('nothing from nothing', () => {
    expect(pickOne([], seededRng(1))).toBeUndefined();
  });

  it('one item of the input, reproducibly', () => {
    const a = Array.from({ length: 50 }, ((rng) => () => pickOne(pods, rng))(seededRng(5)));
    const b = Array.from({ length: 50 }, ((rng) => () => pickOne(pods, rng))(seededRng(5)));
    expect(a).toEqual(b);
    expect(new Set(a).size).toBeGreaterThan(5);
  });
});

describe('rng', () => {
  it('seededRng: floats in [0, 1), same seed same sequence', () => {
    const a = seededRng(123);
    const b = seededRng(123);
    for (let i = 0; i < 10_000; i++) {
      const x = a();
      expect(x).toBe(b());
      expect(x >= 0 && x < 1).toBe(true);
    }
  });

  it('randomIndex: an integer in [0, n) even when the rng returns 1', () => {
    expect(randomIndex(() => 0, 5)).toBe(0);
    expect(randomIndex(() => 0.5, 5)).toBe(2);
    expect(randomIndex(() => 1, 5)).toBe(4);
  });

  it('forkRng: a reproducible, independent stream per fork', () => {
    const parent = seededRng(9);
    const [a, b] = [forkRng(parent), forkRng(parent)];
    const again = seededRng(9);
    const [a2, b2] = [forkRng(again), forkRng(again)];
    const take = (rng: () => number) => Array.from({ length: 5 }, rng);
    const [sa, sb] = [take(a), take(b)];
    expect(sa).toEqual(take(a2));
    expect(sb).toEqual(take(b2));
    expect(sa).not.toEqual(sb);
  });
});
