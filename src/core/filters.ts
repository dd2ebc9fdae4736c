import type { Pod } from '../kube/types.js';

/** What narrows a workload's pods down to kill candidates. Every field is optional: absent = no filtering. */
export interface CandidateCriteria {
  annotations?: Record<string, string> | undefined;
  podNamePattern?: string | undefined;
  minPodAgeMs?: number | undefined;
  /** The pod this process runs in, which is never a candidate. */
  self?: { namespace: string; name: string } | undefined;
}

/** The original picked Pending and Terminating pods too; we only take pods that are really serving. */
export function filterRunning(pods: readonly Pod[]): Pod[] {
  return pods.filter((pod) => pod.phase === 'Running' && !pod.deleting);
}

export function filterByAnnotations(pods: readonly Pod[], annotations: Record<string, string> | undefined): Pod[] {
  if (!annotations || Object.keys(annotations).length === 0) return [...pods];
  const wanted = Object.entries(annotations);
  return pods.filter((pod) => wanted.every(([key, value]) => pod.annotations[key] === value));
}

export function filterByName(pods: readonly Pod[], pattern: string | undefined): Pod[] {
  if (!pattern) return [...pods];
  const regex = new RegExp(pattern);
  return pods.filter((pod) => regex.test(pod.name));
}

export function filterByMinAge(pods: readonly Pod[], minAgeMs: number | undefined, now: number): Pod[] {
  if (!minAgeMs) return [...pods];
  return pods.filter((pod) => pod.createdAt !== undefined && now - pod.createdAt >= minAgeMs);
}

export function excludeSelf(pods: readonly Pod[], self: CandidateCriteria['self']): Pod[] {
  if (!self) return [...pods];
  return pods.filter((pod) => !(pod.namespace === self.namespace && pod.name === self.name));
}

export function selectCandidates(pods: readonly Pod[], criteria: CandidateCriteria, now: number): Pod[] {
  let candidates = filterRunning(pods);
  candidates = excludeSelf(candidates, criteria.self);
  candidates = filterByAnnotations(candidates, criteria.annotations);
  candidates = filterByName(candidates, criteria.podNamePattern);
  return filterByMinAge(candidates, criteria.minPodAgeMs, now);
}
