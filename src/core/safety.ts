import type { SafetyRules } from '../config/schema.js';
import type { Workload } from '../kube/types.js';
import type { SkipReason } from '../log/entries.js';

export type FloorDecision =
  | { allowed: true; maxVictims: number }
  | { allowed: false; reason: SkipReason; message: string };

/** The original's integer quorum: with 3 replicas 3/2+1 = 2, with 7 replicas 4. */
export function quorumOf(desired: number): number {
  return Math.floor(desired / 2) + 1;
}

/**
 * How many pods of `workload` may die this tick. The original rule first (fewer than `minAvailable`, default 2,
 * available: "Only one pod available, doing nothing"), then the quorum rule when asked, then the floor itself:
 * never so many victims that availability drops below max(1, minAvailable - 1, quorum).
 */
export function safetyFloor(workload: Workload, rules: SafetyRules): FloorDecision {
  const { available, desired } = workload;
  if (available < rules.minAvailable) {
    const message =
      rules.minAvailable === 2
        ? 'Only one pod available, doing nothing'
        : `Only ${available} pods available (minimum ${rules.minAvailable}), doing nothing`;
    return { allowed: false, reason: 'only-one-available', message };
  }
  const quorum = rules.quorum ? quorumOf(desired) : 0;
  if (rules.quorum && available <= quorum) {
    return {
      allowed: false,
      reason: 'quorum',
      message: `available pods less than unavailable pods, doing nothing (${available} available, quorum needs more than ${quorum})`,
    };
  }
  const floor = Math.max(1, rules.minAvailable - 1, quorum);
  const maxVictims = available - floor;
  if (maxVictims <= 0) {
    return { allowed: false, reason: 'floor', message: `${available} available, floor is ${floor}, doing nothing` };
  }
  return { allowed: true, maxVictims };
}

export function isProtectedNamespace(namespace: string, rules: SafetyRules): boolean {
  return namespace === 'kube-system' && !rules.allowKubeSystem;
}
