import type { Pod, Workload } from '../kube/types.js';

/** One pod as last seen, with the time each fact about it was first received. */
export interface PodFacts {
  pod: Pod;
  firstSeen: number;
  scheduledAt?: number | undefined;
  /** Since when it is Ready without interruption; undefined while it is not. */
  readyAt?: number | undefined;
  /** The resourceVersion of the change that made it Ready: a workload status written later has seen it. */
  readyVersion?: string | undefined;
  deletingAt?: number | undefined;
}

export interface StatusFact {
  workload: Workload;
  at: number;
}

/** Uids of pods seen gone, kept for a kill accepted after its victim's DELETED event arrived. */
const goneMemory = 10_000;
/** Statuses kept for a kill tracked after the status that showed it arrived. */
const statusMemory = 32;

/**
 * What is known of one workload and its pods, fed by a watch (one event at a time) or by polling (a GET and a LIST):
 * recovery judges kills from it, and cookies pick victims from it. Times are those of the injected Clock at receipt.
 */
export class ScopeState {
  private readonly facts = new Map<string, PodFacts>();
  private readonly gone = new Map<string, number>();
  private readonly history: StatusFact[] = [];
  /** When the pods were last known completely (a LIST, or a watch's initial list): a pod absent then was gone. */
  completeAt: number | undefined;
  /** Whether the workload exists, as last seen; undefined until first known. */
  workloadExists: boolean | undefined;
  /** The WATCHes after the first lists are open: what happens from now on is seen as it happens. */
  readonly live = { pods: false, workload: false };

  sawPod(pod: Pod, at: number): void {
    let facts = this.facts.get(pod.uid);
    if (!facts) this.facts.set(pod.uid, (facts = { pod, firstSeen: at }));
    facts.pod = pod;
    if (pod.nodeName !== undefined) facts.scheduledAt ??= at;
    if (pod.deleting) facts.deletingAt ??= at;
    if (pod.ready && !pod.deleting) {
      facts.readyAt ??= at;
      facts.readyVersion ??= pod.resourceVersion;
    } else {
      facts.readyAt = undefined;
      facts.readyVersion = undefined;
    }
  }

  podGone(uid: string, at: number): void {
    this.facts.delete(uid);
    if (this.gone.has(uid)) return;
    this.gone.set(uid, at);
    if (this.gone.size > goneMemory) this.gone.delete(this.gone.keys().next().value as string);
  }

  /** A complete LIST: every pod it lacks is gone. */
  listed(pods: readonly Pod[], at: number): void {
    const present = new Set<string>();
    for (const pod of pods) {
      present.add(pod.uid);
      this.sawPod(pod, at);
    }
    for (const uid of [...this.facts.keys()]) if (!present.has(uid)) this.podGone(uid, at);
    this.completeAt = at;
  }

  sawStatus(workload: Workload, at: number): void {
    this.workloadExists = true;
    this.history.push({ workload, at });
    if (this.history.length > statusMemory) this.history.shift();
  }

  /** The workload was deleted, or a list found none. */
  workloadGone(): void {
    this.workloadExists = false;
  }

  /** Both the workload and its pods have been listed and are watched live: the state can answer without a request. */
  get synced(): boolean {
    return this.completeAt !== undefined && this.workloadExists !== undefined && this.live.pods && this.live.workload;
  }

  /** The workload as last seen, while it exists. */
  get workload(): Workload | undefined {
    return this.workloadExists ? this.status?.workload : undefined;
  }

  pod(uid: string): PodFacts | undefined {
    return this.facts.get(uid);
  }

  goneAt(uid: string): number | undefined {
    return this.gone.get(uid);
  }

  pods(): IterableIterator<PodFacts> {
    return this.facts.values();
  }

  get status(): StatusFact | undefined {
    return this.history[this.history.length - 1];
  }

  statusesSince(at: number): StatusFact[] {
    return this.history.filter((s) => s.at >= at);
  }
}

/** Whether resourceVersion `a` is newer than `b`; opaque (non-numeric) versions never compare. */
export function isNewerVersion(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined || !/^\d+$/.test(a) || !/^\d+$/.test(b)) return false;
  return BigInt(a) > BigInt(b);
}
