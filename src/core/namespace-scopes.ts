import { matchesSelector, selectorToString } from '../kube/selector.js';
import type { Pod, Workload } from '../kube/types.js';
import { ScopeState } from './scope-state.js';

interface Partition {
  state: ScopeState;
  /** The selector its pods were sorted by: the workload's, or the one it was asked for before the workload was seen. */
  selector: Workload['selector'];
  selectorKey: string;
}

/**
 * Every workload of one kind in a namespace and every pod of it, as seen by two watches, sorted into one ScopeState per
 * workload (its pods found by its selector), so that each workload's pods keep the times their facts arrived, as if
 * that workload were watched on its own. Returns from each event the names of the workloads it touched.
 */
export class NamespaceScopes {
  private readonly pods = new Map<string, Pod>();
  private readonly partitions = new Map<string, Partition>();
  /** Which partitions each pod is in. */
  private readonly placed = new Map<string, string[]>();
  private podsListedAt: number | undefined;
  private workloadsListed = false;
  private readonly live = { pods: false, workload: false };

  get synced(): boolean {
    return this.podsListedAt !== undefined && this.workloadsListed && this.live.pods && this.live.workload;
  }

  workloads(): Workload[] {
    return [...this.partitions.values()].flatMap((p) => p.state.workload ?? []);
  }

  /** The state of the workload `name`, kept from now on; `selector` sorts its pods until the workload itself is seen. */
  scope(name: string, selector: Workload['selector'], at: number): ScopeState {
    return (this.partitions.get(name) ?? this.partition(name, selector, at)).state;
  }

  /** The state of the workload `name` if it is known. */
  known(name: string): ScopeState | undefined {
    return this.partitions.get(name)?.state;
  }

  listedPods(pods: readonly Pod[], at: number): string[] {
    this.pods.clear();
    this.placed.clear();
    for (const pod of pods) this.pods.set(pod.uid, pod);
    this.podsListedAt = at;
    for (const [name, partition] of this.partitions) this.fill(name, partition, at);
    return [...this.partitions.keys()];
  }

  sawPod(pod: Pod, at: number): string[] {
    this.pods.set(pod.uid, pod);
    const before = this.placed.get(pod.uid) ?? [];
    const now = [...this.partitions].filter(([, p]) => matchesSelector(pod.labels, p.selector)).map(([name]) => name);
    for (const name of now) this.partitions.get(name)!.state.sawPod(pod, at);
    for (const name of before) if (!now.includes(name)) this.partitions.get(name)?.state.podGone(pod.uid, at);
    this.place(pod.uid, now);
    return [...new Set([...before, ...now])];
  }

  podGone(uid: string, at: number): string[] {
    this.pods.delete(uid);
    const before = this.placed.get(uid) ?? [];
    for (const name of before) this.partitions.get(name)?.state.podGone(uid, at);
    this.placed.delete(uid);
    return before;
  }

  listedWorkloads(workloads: readonly Workload[], at: number): string[] {
    this.workloadsListed = true;
    const present = new Set(workloads.map((w) => w.name));
    const touched = workloads.flatMap((w) => this.sawWorkload(w, at));
    for (const [name, partition] of this.partitions) if (!present.has(name)) partition.state.workloadGone();
    return [...new Set([...touched, ...this.partitions.keys()])];
  }

  sawWorkload(workload: Workload, at: number): string[] {
    let partition = this.partitions.get(workload.name);
    if (partition && partition.selectorKey !== selectorToString(workload.selector)) {
      partition.selector = workload.selector;
      partition.selectorKey = selectorToString(workload.selector);
      this.fill(workload.name, partition, at);
    }
    partition ??= this.partition(workload.name, workload.selector, at);
    partition.state.sawStatus(workload, at);
    return [workload.name];
  }

  workloadDeleted(name: string): string[] {
    this.partitions.get(name)?.state.workloadGone();
    return [name];
  }

  /** The LIST of pods or of workloads is followed by its open WATCH. */
  watching(what: 'pods' | 'workload'): string[] {
    this.live[what] = true;
    for (const partition of this.partitions.values()) partition.state.live[what] = true;
    return [...this.partitions.keys()];
  }

  private partition(name: string, selector: Workload['selector'], at: number): Partition {
    const state = new ScopeState();
    Object.assign(state.live, this.live);
    if (this.workloadsListed) state.workloadGone();
    const partition = { state, selector, selectorKey: selectorToString(selector) };
    this.partitions.set(name, partition);
    this.fill(name, partition, at);
    return partition;
  }

  /** Lists into the partition every known pod its selector matches. */
  private fill(name: string, partition: Partition, at: number): void {
    if (this.podsListedAt === undefined) return;
    const members: Pod[] = [];
    for (const pod of this.pods.values()) {
      const places = this.placed.get(pod.uid)?.filter((n) => n !== name) ?? [];
      if (matchesSelector(pod.labels, partition.selector)) {
        members.push(pod);
        places.push(name);
      }
      this.place(pod.uid, places);
    }
    partition.state.listed(members, at);
  }

  private place(uid: string, names: string[]): void {
    if (names.length === 0) this.placed.delete(uid);
    else this.placed.set(uid, names);
  }
}
