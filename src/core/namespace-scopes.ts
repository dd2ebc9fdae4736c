import { matchesSelector, selectorToString } from '../kube/selector.js';
import type { LabelSelector, Pod, Workload } from '../kube/types.js';
import { ScopeState } from './scope-state.js';

interface Partition {
  name: string;
  state: ScopeState;
  /** The selector its pods are sorted by: the workload's, or the one it was asked for before the workload was seen. */
  selector: LabelSelector;
  selectorKey: string;
  /** One `key=value` its selector requires, under which it is indexed; undefined without matchLabels. */
  indexKey: string | undefined;
}

/**
 * Every workload of one kind in a namespace and every pod of it, as seen by two watches, sorted into one ScopeState per
 * workload (its pods found by its selector), so that each workload's pods keep the times their facts arrived, as if
 * that workload were watched on its own. Each event returns the names of the workloads it touched. A pod is matched
 * only against the workloads whose selector requires one of its labels (or that have no matchLabels), so sorting a
 * list costs about one lookup per label, not one match per workload.
 */
export class NamespaceScopes {
  private readonly pods = new Map<string, Pod>();
  private readonly partitions = new Map<string, Partition>();
  private readonly index = new Map<string, Set<Partition>>();
  private readonly unindexed = new Set<Partition>();
  private podsListed = false;
  private workloadsListed = false;
  private readonly live = { pods: false, workload: false };

  get synced(): boolean {
    return this.podsListed && this.workloadsListed && this.live.pods && this.live.workload;
  }

  workloads(): Workload[] {
    return [...this.partitions.values()].flatMap((p) => p.state.workload ?? []);
  }

  /** The state of the workload `name`, kept from now on; `selector` sorts its pods until the workload itself is seen. */
  scope(name: string, selector: LabelSelector, at: number): ScopeState {
    const known = this.partitions.get(name);
    if (known) return known.state;
    const partition = this.add(name, selector);
    this.distribute([partition], at);
    return partition.state;
  }

  /** The state of the workload `name` if it is known. */
  known(name: string): ScopeState | undefined {
    return this.partitions.get(name)?.state;
  }

  listedPods(pods: readonly Pod[], at: number): string[] {
    this.pods.clear();
    for (const pod of pods) this.pods.set(pod.uid, pod);
    this.podsListed = true;
    this.distribute([...this.partitions.values()], at);
    return [...this.partitions.keys()];
  }

  sawPod(pod: Pod, at: number): string[] {
    const previous = this.pods.get(pod.uid);
    this.pods.set(pod.uid, pod);
    const matching = this.matching(pod);
    for (const partition of matching) partition.state.sawPod(pod, at);
    const touched = new Set([...matching].map((p) => p.name));
    if (!previous || sameLabels(previous.labels, pod.labels)) return [...touched];
    // Relabelled out of a selector: gone from that workload, as a watch with its selector would say.
    for (const partition of this.matching(previous)) {
      if (matching.has(partition)) continue;
      partition.state.podGone(pod.uid, at);
      touched.add(partition.name);
    }
    return [...touched];
  }

  podGone(uid: string, at: number): string[] {
    const previous = this.pods.get(uid);
    if (!previous) return [];
    this.pods.delete(uid);
    const holders = [...this.matching(previous)];
    for (const partition of holders) partition.state.podGone(uid, at);
    return holders.map((p) => p.name);
  }

  listedWorkloads(workloads: readonly Workload[], at: number): string[] {
    this.workloadsListed = true;
    const present = new Set(workloads.map((w) => w.name));
    for (const partition of this.partitions.values()) if (!present.has(partition.name)) partition.state.workloadGone();
    this.distribute(workloads.flatMap((w) => this.follow(w) ?? []), at);
    for (const workload of workloads) this.partitions.get(workload.name)!.state.sawStatus(workload, at);
    return [...this.partitions.keys()];
  }

  sawWorkload(workload: Workload, at: number): string[] {
    const refill = this.follow(workload);
    if (refill) this.distribute([refill], at);
    this.partitions.get(workload.name)!.state.sawStatus(workload, at);
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

  /** Makes the workload's partition sort by its selector; returns the partition when its pods must be sorted again. */
  private follow(workload: Workload): Partition | undefined {
    const known = this.partitions.get(workload.name);
    if (!known) return this.add(workload.name, workload.selector);
    if (known.selectorKey === selectorToString(workload.selector)) return undefined;
    this.unlink(known);
    Object.assign(known, keyed(workload.selector));
    this.link(known);
    return known;
  }

  private add(name: string, selector: LabelSelector): Partition {
    const state = new ScopeState();
    Object.assign(state.live, this.live);
    if (this.workloadsListed) state.workloadGone();
    const partition: Partition = { name, state, ...keyed(selector) };
    this.partitions.set(name, partition);
    this.link(partition);
    return partition;
  }

  /** Lists into each of `partitions` every known pod its selector matches, in one pass over the pods. */
  private distribute(partitions: readonly Partition[], at: number): void {
    if (!this.podsListed || partitions.length === 0) return;
    const members = new Map<Partition, Pod[]>(partitions.map((p) => [p, []]));
    for (const pod of this.pods.values()) for (const partition of this.matching(pod)) members.get(partition)?.push(pod);
    for (const [partition, pods] of members) partition.state.listed(pods, at);
  }

  /** The partitions whose selector matches the pod's labels. */
  private matching(pod: Pod): Set<Partition> {
    const found = new Set<Partition>();
    const consider = (partition: Partition): void => {
      if (!found.has(partition) && matchesSelector(pod.labels, partition.selector)) found.add(partition);
    };
    for (const partition of this.unindexed) consider(partition);
    for (const [key, value] of Object.entries(pod.labels)) for (const partition of this.index.get(`${key}=${value}`) ?? []) consider(partition);
    return found;
  }

  private link(partition: Partition): void {
    if (partition.indexKey === undefined) return void this.unindexed.add(partition);
    const bucket = this.index.get(partition.indexKey) ?? new Set();
    this.index.set(partition.indexKey, bucket.add(partition));
  }

  private unlink(partition: Partition): void {
    if (partition.indexKey === undefined) return void this.unindexed.delete(partition);
    const bucket = this.index.get(partition.indexKey);
    bucket?.delete(partition);
    if (bucket?.size === 0) this.index.delete(partition.indexKey);
  }
}

function sameLabels(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && a[k] === b[k]);
}

function keyed(selector: LabelSelector): Pick<Partition, 'selector' | 'selectorKey' | 'indexKey'> {
  const [first] = Object.entries(selector.matchLabels ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return { selector, selectorKey: selectorToString(selector), indexKey: first && `${first[0]}=${first[1]}` };
}
