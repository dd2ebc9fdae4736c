import type { Pod, Workload } from '../kube/types.js';
import type { RecoveryStages } from '../log/entries.js';
import type { KillRecord } from './cookies/context.js';
import { isNewerVersion, type PodFacts, type ScopeState } from './scope-state.js';

/** One tracked kill: what has been seen of its recovery so far. */
export interface KillProgress {
  readonly kill: KillRecord;
  readonly known: ReadonlySet<string>;
  /** A status below the pre-kill counts was seen: the controllers have registered the kill. */
  dipSeen: boolean;
  /** The pod this kill counts as its replacement, claimed so no other kill of the workload counts it too. */
  replacement: string | undefined;
  stages: RecoveryStages;
  /**
   * While the status has neither dipped nor been written since the replacement became Ready: when the pods alone may
   * prove recovery, if no status arrives by then.
   */
  proofAt?: number | undefined;
}

/**
 * How long after its replacement is Ready a kill waits for a status written after it, before the pods alone prove
 * its recovery: a replacement Ready before the controllers noticed the kill leaves no dip and no newer status to see.
 */
export const statusGraceMs = 1_000;

export function startProgress(kill: KillRecord, state: ScopeState): KillProgress {
  const progress: KillProgress = {
    kill,
    known: new Set(kill.knownPodUids),
    dipSeen: false,
    replacement: undefined,
    stages: { accepted: Math.max(0, kill.at - kill.requestedAt) },
  };
  for (const status of state.statusesSince(kill.requestedAt)) noteStatus(progress, status.workload);
  return progress;
}

export function noteStatus(progress: KillProgress, workload: Workload): void {
  const before = progress.kill.workload;
  progress.dipSeen ||= workload.available < before.available || workload.ready < before.ready;
}

/**
 * Brings the kill's stages up to date with `state` and says whether it has recovered: (a) its victim is gone (for a
 * StatefulSet, also when its same-name successor exists), (b) a replacement that did not exist before the kill is
 * Ready, and (c) a status written after the controllers registered the kill (its dip seen, or its resourceVersion
 * newer than the replacement's readiness) shows the pre-kill availability again. A status from before the kill never
 * counts. `claimedElsewhere` tells pods another pending kill of the workload counts as its replacement.
 */
export function evaluate(progress: KillProgress, state: ScopeState, claimedElsewhere: (uid: string) => boolean, now: number): boolean {
  const { kill, stages } = progress;
  const since = (at: number | undefined): number | undefined => (at === undefined ? undefined : Math.max(0, at - kill.requestedAt));
  const victim = state.pod(kill.pod.uid);
  if (victim?.deletingAt !== undefined) stages.terminating ??= since(victim.deletingAt);
  const goneAt = state.goneAt(kill.pod.uid);
  if (goneAt !== undefined) stages.gone ??= since(goneAt);
  else if (!victim && state.completeAt !== undefined && state.completeAt >= kill.requestedAt) stages.gone ??= since(state.completeAt);

  const replacement = claimReplacement(progress, state, claimedElsewhere);
  if (replacement) {
    if (kill.workload.kind === 'statefulset' && stages.gone === undefined) stages.gone = since(replacement.firstSeen);
    stages.replacement ??= since(replacement.firstSeen);
    if (replacement.scheduledAt !== undefined && replacement.scheduledAt > replacement.firstSeen) stages.scheduled ??= since(replacement.scheduledAt);
    if (replacement.readyAt !== undefined) stages.ready ??= since(replacement.readyAt);
  }

  const status = state.status;
  progress.proofAt = undefined;
  if (status && stages.available === undefined && status.workload.available >= kill.workload.available) {
    const written = progress.dipSeen || isNewerVersion(status.workload.resourceVersion, replacement?.readyVersion);
    if (written && status.at >= kill.requestedAt) stages.available = since(status.at);
    else if (replacement?.readyAt !== undefined && stages.gone !== undefined) provenByPods(progress, state, replacement.readyAt, now);
  }
  return stages.gone !== undefined && stages.ready !== undefined && stages.available !== undefined;
}

/**
 * The status still shows the pre-kill availability and nothing newer came: once `statusGraceMs` has passed since the
 * replacement became available (Ready for the workload's minReadySeconds), as many such pods as were available before
 * the kill (the victim not among them) prove it available again, from that moment. Until then, `proofAt` says when to
 * look again.
 */
function provenByPods(progress: KillProgress, state: ScopeState, readyAt: number, now: number): void {
  const { kill, stages } = progress;
  const availableAt = readyAt + (kill.workload.minReadySeconds ?? 0) * 1000;
  if (now < availableAt + statusGraceMs) {
    progress.proofAt = availableAt + statusGraceMs;
    return;
  }
  let ready = 0;
  for (const facts of state.pods()) if (facts.readyAt !== undefined && facts.readyAt <= availableAt && facts.pod.uid !== kill.pod.uid) ready++;
  if (ready >= kill.workload.available) stages.available = Math.max(0, availableAt - kill.requestedAt);
}

/** The last stage of a recovered kill. */
export const recoveredMs = (stages: RecoveryStages): number => Math.max(stages.gone ?? 0, stages.ready ?? 0, stages.available ?? 0);

/** Keeps the claimed replacement while it lives and is not being deleted; otherwise claims the earliest candidate. */
function claimReplacement(progress: KillProgress, state: ScopeState, claimedElsewhere: (uid: string) => boolean): PodFacts | undefined {
  const current = progress.replacement === undefined ? undefined : state.pod(progress.replacement);
  if (current && !current.pod.deleting) return current;
  progress.replacement = undefined;
  let best: PodFacts | undefined;
  for (const facts of state.pods()) {
    if (facts.pod.deleting || claimedElsewhere(facts.pod.uid) || !isSuccessor(progress, facts.pod)) continue;
    if (!best || facts.firstSeen < best.firstSeen) best = facts;
  }
  progress.replacement = best?.pod.uid;
  return best;
}

/** Deployment: any new pod. StatefulSet: the new pod of the victim's name. DaemonSet: the new pod on the victim's node. */
function isSuccessor({ kill, known }: KillProgress, pod: Pod): boolean {
  if (known.has(pod.uid) || pod.uid === kill.pod.uid) return false;
  switch (kill.workload.kind) {
    case 'statefulset':
      return pod.name === kill.pod.name;
    case 'daemonset':
      return kill.nodeName === undefined || pod.nodeName === kill.nodeName;
    default:
      return true;
  }
}
