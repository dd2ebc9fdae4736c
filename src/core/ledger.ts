import { CookieError, isCookieError } from '../errors.js';
import type { Pod, PodRef, WorkloadRef } from '../kube/types.js';
import { untilDone } from './until-done.js';

/**
 * The kills that still count against their workload's availability, shared by every cookie and job of a run (or of a
 * server process), and the lock that serializes the floor decisions about one workload. A workload's status lags
 * behind its pods (the controllers update it tens of milliseconds later), and two ticks that read it at the same
 * moment would both see full availability: only a decision that runs alone and knows every kill in flight can
 * honour the floor.
 *
 * A kill counts from the moment its DELETE or eviction is accepted (a server-side dry run included) until its
 * recovery is observed: by the recovery tracker, when one tracks the kill; otherwise when the pods seen later show the
 * victim gone and a Ready replacement that no other kill has claimed. A kill the tracker gives up on counts until its
 * run closes. Real kills count for every run of the ledger; dry-run kills only for the run that made them, so a dry
 * run decides as a real run would without ever holding back a real one.
 */
export interface AvailabilityLedger {
  openRun(options: { dryRun: boolean }): RunLedger;
}

/** One workload as a floor decision may count it. */
export interface FloorView {
  /** min(reported available, Ready pods seen that are not victims of kills still counting). */
  available: number;
  /** Killed and not yet recovered: never counted as available, never a victim again. */
  isVictim(podUid: string): boolean;
}

export interface RunLedger {
  readonly dryRun: boolean;
  /** Runs `decide` with no other decision about the same workload in flight, in this run or any other of the ledger. */
  serialize<T>(workload: WorkloadRef, decide: () => Promise<T>, signal?: AbortSignal): Promise<T>;
  /** A point in the ledger's history, for `killedSince`. */
  mark(): number;
  /** Whether this run sees a kill of `workload` accepted after `mark` (a status read before it is out of date). */
  killedSince(workload: WorkloadRef, mark: number): boolean;
  /** Weighs the workload's pods as they are now (a LIST, or a watch's cache); untracked kills they show recovered stop counting. */
  assess(workload: WorkloadRef, reportedAvailable: number, pods: readonly Pod[]): FloorView;
  /** The API server accepted the DELETE or eviction of `pod`; `knownPodUids` are the workload's pods the tick saw. */
  recordKill(workload: WorkloadRef, pod: PodRef, knownPodUids: readonly string[]): void;
  /** A recovery tracker follows this kill: from now on only its verdict ends it. */
  tracking(pod: PodRef): void;
  /** The tracker's verdict: a recovered kill stops counting, an unrecovered one counts until the run closes. */
  settled(pod: PodRef, recovered: boolean): void;
  /** The run is over: its kills stop counting. */
  close(): void;
}

interface Kill {
  run: number;
  dryRun: boolean;
  workload: string;
  podUid: string;
  known: ReadonlySet<string>;
  seq: number;
  tracked: boolean;
}

const keyOf = (w: WorkloadRef): string => `${w.kind}/${w.namespace}/${w.name}`;

/** Running, Ready and not terminating: a pod that serves. */
const isServing = (pod: Pod): boolean => pod.phase === 'Running' && pod.ready && !pod.deleting;

export function createAvailabilityLedger(): AvailabilityLedger {
  const kills = new Map<string, Kill>();
  /** Replacements already credited to a kill, per workload: one Ready pod ends one kill. */
  const claimed = new Map<string, Set<string>>();
  const locks = new Map<string, Promise<void>>();
  let seq = 0;
  let runs = 0;

  const idOf = (run: number, podUid: string): string => `${run}/${podUid}`;
  const killsOf = (workload: string): Kill[] => [...kills.values()].filter((k) => k.workload === workload);
  const forget = (kill: Kill): void => {
    kills.delete(idOf(kill.run, kill.podUid));
    if (killsOf(kill.workload).length === 0) claimed.delete(kill.workload);
  };

  const serialize = async <T>(workload: WorkloadRef, decide: () => Promise<T>, signal?: AbortSignal): Promise<T> => {
    const key = keyOf(workload);
    const previous = locks.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    // Whoever queues behind this decision waits for it and for everything before it, even if this one is aborted.
    const turn = previous.then(() => mine);
    locks.set(key, turn);
    try {
      await untilDone(previous, signal).catch((reason: unknown) => {
        throw isCookieError(reason) ? reason : new CookieError('cancelled', `cancelled: waiting to decide about ${key}`, { cause: reason });
      });
      return await decide();
    } finally {
      release();
      void turn.then(() => locks.get(key) === turn && locks.delete(key));
    }
  };

  return {
    openRun({ dryRun }) {
      const run = ++runs;
      const counts = (kill: Kill): boolean => !kill.dryRun || kill.run === run;
      return {
        dryRun,
        serialize,
        mark: () => seq,
        killedSince: (workload, mark) => killsOf(keyOf(workload)).some((k) => counts(k) && k.seq > mark),
        assess(workload, reportedAvailable, pods) {
          const key = keyOf(workload);
          const credited = claimed.get(key) ?? new Set<string>();
          const killed = new Set(killsOf(key).map((k) => k.podUid));
          const serving = pods.filter(isServing);
          for (const kill of killsOf(key).filter((k) => counts(k) && !k.tracked).sort((a, b) => a.seq - b.seq)) {
            const victimGone = !pods.some((p) => p.uid === kill.podUid && !p.deleting);
            const replacement = serving.find((p) => !kill.known.has(p.uid) && !credited.has(p.uid) && !killed.has(p.uid));
            if (!victimGone || !replacement) continue;
            credited.add(replacement.uid);
            claimed.set(key, credited);
            forget(kill);
          }
          const victims = new Set(killsOf(key).filter(counts).map((k) => k.podUid));
          const readySeen = serving.filter((p) => !victims.has(p.uid)).length;
          return { available: Math.min(reportedAvailable, readySeen), isVictim: (uid) => victims.has(uid) };
        },
        recordKill(workload, pod, knownPodUids) {
          kills.set(idOf(run, pod.uid), { run, dryRun, workload: keyOf(workload), podUid: pod.uid, known: new Set(knownPodUids), seq: ++seq, tracked: false });
        },
        tracking(pod) {
          const kill = kills.get(idOf(run, pod.uid));
          if (kill) kill.tracked = true;
        },
        settled(pod, recovered) {
          const kill = kills.get(idOf(run, pod.uid));
          if (kill && recovered) forget(kill);
        },
        close() {
          for (const kill of [...kills.values()]) if (kill.run === run) forget(kill);
        },
      };
    },
  };
}
