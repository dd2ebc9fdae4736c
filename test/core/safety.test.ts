import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Count } from '../../src/config/fields.js';
import type { SafetyRules } from '../../src/config/schema.js';
import { resolveCount } from '../../src/core/count.js';
import { pickVictims } from '../../src/core/pick.js';
import { seededRng } from '../../src/core/rng.js';
import { isProtectedNamespace, quorumOf, safetyFloor, type FloorDecision } from '../../src/core/safety.js';
import type { Workload } from '../../src/kube/types.js';

const workloadWith = (desired: number, available: number, kind: Workload['kind'] = 'statefulset'): Workload => ({
  kind,
  namespace: 'test',
  name: 'mariadb',
  uid: 'uid',
  selector: { matchLabels: { app: 'mariadb' } },
  labels: {},
  annotations: {},
  generation: 1,
  observedGeneration: 1,
  desired,
  current: desired,
  updated: desired,
  ready: available,
  available,
  revisionsMatch: true,
});

const original: SafetyRules = { minAvailable: 2, quorum: false, allowKubeSystem: false };
const quorum: SafetyRules = { ...original, quorum: true };
const onlyOne: FloorDecision = { allowed: false, reason: 'only-one-available', message: 'Only one pod available, doing nothing' };

describe('quorumOf: the original integer arithmetic', () => {
  it.each([
    [1, 1],
    [2, 2],
    [3, 2],
    [4, 3],
    [5, 3],
    [7, 4],
  ])('replicas %d → %d', (replicas, q) => {
    expect(quorumOf(replicas)).toBe(q);
  });
});

describe('safetyFloor', () => {
  it.each<[string, number, number, SafetyRules, FloorDecision]>([
    ['no pod available', 3, 0, original, onlyOne],
    ['one pod available: the original rule and its log text', 3, 1, original, onlyOne],
    ['one of one', 1, 1, original, onlyOne],
    ['two available: one may die', 3, 2, original, { allowed: true, maxVictims: 1 }],
    ['five available: never down to zero', 5, 5, original, { allowed: true, maxVictims: 4 }],
    ['quorum, 3 replicas, all 3 available', 3, 3, quorum, { allowed: true, maxVictims: 1 }],
    ['quorum, 7 replicas, 5 available', 7, 5, quorum, { allowed: true, maxVictims: 1 }],
    ['quorum, 7 replicas, 7 available: the floor caps victims at 3', 7, 7, quorum, { allowed: true, maxVictims: 3 }],
    ['minAvailable 3, 3 available', 5, 3, { ...original, minAvailable: 3 }, { allowed: true, maxVictims: 1 }],
  ])('%s', (_label, desired, available, rules, decision) => {
    expect(safetyFloor(workloadWith(desired, available), rules)).toEqual(decision);
  });

  it.each([
    [3, 2, 'available pods less than unavailable pods, doing nothing (2 available, quorum needs more than 2)'],
    [7, 4, 'available pods less than unavailable pods, doing nothing (4 available, quorum needs more than 4)'],
    [2, 2, 'available pods less than unavailable pods, doing nothing (2 available, quorum needs more than 2)'],
  ])('quorum refuses: %d replicas, %d available', (desired, available, message) => {
    expect(safetyFloor(workloadWith(desired, available), quorum)).toEqual({ allowed: false, reason: 'quorum', message });
  });

  it('quorum with 3 replicas needs all 3; with 7 it needs at least 5', () => {
    const allowedAt = (desired: number) =>
      Array.from({ length: desired + 1 }, (_, available) => available).filter(
        (available) => safetyFloor(workloadWith(desired, available), quorum).allowed,
      );
    expect(allowedAt(3)).toEqual([3]);
    expect(allowedAt(7)).toEqual([5, 6, 7]);
  });

  it('a higher minAvailable names its numbers', () => {
    expect(safetyFloor(workloadWith(5, 2), { ...original, minAvailable: 3 })).toEqual({
      allowed: false,
      reason: 'only-one-available',
      message: 'Only 2 pods available (minimum 3), doing nothing',
    });
  });

  it('minAvailable 1 still never takes the last pod', () => {
    expect(safetyFloor(workloadWith(1, 1), { ...original, minAvailable: 1 })).toEqual({
      allowed: false,
      reason: 'floor',
      message: '1 available, floor is 1, doing nothing',
    });
    expect(safetyFloor(workloadWith(2, 2), { ...original, minAvailable: 1 })).toEqual({ allowed: true, maxVictims: 1 });
  });
});

describe('isProtectedNamespace', () => {
  it.each([
    ['kube-system', false, true],
    ['kube-system', true, false],
    ['openstack', false, false],
    ['kube-public', false, false],
  ])('%s, allowKubeSystem %s → protected %s', (namespace, allowKubeSystem, expected) => {
    expect(isProtectedNamespace(namespace, { ...original, allowKubeSystem })).toBe(expected);
  });
});

const countArb: fc.Arbitrary<Count> = fc.oneof(
  fc.integer({ min: 1, max: 30 }).map((n): Count => ({ mode: 'fixed', n })),
  fc.integer({ min: 1, max: 100 }).map((percent): Count => ({ mode: 'percent', percent })),
  fc.integer({ min: 1, max: 100 }).map((percent): Count => ({ mode: 'max-percent', percent })),
  fc.constant<Count>({ mode: 'all' }),
);

describe('property: the floor holds for any status, rules and count', () => {
  it('victims never take availability below the floor and never exceed the candidates', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 25 }).chain((desired) =>
          fc.record({
            desired: fc.constant(desired),
            available: fc.integer({ min: 0, max: desired }),
            running: fc.integer({ min: 0, max: desired }),
          }),
        ),
        fc.record({ minAvailable: fc.integer({ min: 1, max: 6 }), quorum: fc.boolean(), allowKubeSystem: fc.constant(false) }),
        countArb,
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        ({ desired, available, running }, rules, count, seed) => {
          const rng = seededRng(seed);
          const candidates = Array.from({ length: running }, (_, i) => `pod-${i}`);
          const decision = safetyFloor(workloadWith(desired, available), rules);
          // The same steps as a killpod tick: floor, then count, then pick.
          const wanted = decision.allowed ? resolveCount(count, candidates.length, rng) : 0;
          const victims = decision.allowed ? pickVictims(candidates, Math.min(wanted, decision.maxVictims), rng) : [];

          const floor = Math.max(1, rules.minAvailable - 1, rules.quorum ? quorumOf(desired) : 0);
          expect(victims.length).toBeLessThanOrEqual(candidates.length);
          expect(new Set(victims).size).toBe(victims.length);
          if (victims.length > 0) expect(available - victims.length).toBeGreaterThanOrEqual(floor);
          if (available < rules.minAvailable) expect(decision.allowed).toBe(false);
          if (rules.quorum && available <= quorumOf(desired)) expect(decision.allowed).toBe(false);
          if (decision.allowed && candidates.length > 0) expect(victims.length).toBeGreaterThanOrEqual(1);
        },
      ),
      { numRuns: 5_000 },
    );
  });
});
