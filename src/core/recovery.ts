import { describeError } from '../errors.js';
import type { Cluster, Pod, Workload } from '../kube/types.js';
import type { KillLog } from '../log/entries.js';
import type { Clock } from './clock.js';
import type { KillRecord } from './cookies/context.js';
import type { RunLedger } from './ledger.js';

interface Pending extends KillRecord {
  /** knownPodUids as a set: a workload of 10,000 pods is checked against it on every poll. */
  known: Set<string>;
  replacementMs: number | undefined;
  /** The victim was seen gone; a deleted uid never comes back, so this is never undone. */
  victimGone: boolean;
  /**
   * The kill was seen to matter: the status below the pre-kill availability, or a Ready replacement listed. Until
   * then a status at the pre-kill level may be one the controllers wrote before they noticed the kill.
   */
  dipSeen: boolean;
}

export interface RecoveryTracker {
  /** Starts timing a real kill (dry-run kills are never tracked). */
  track(kill: KillRecord): void;
  /** Keeps polling until every tracked kill has recovered or `timeoutMs` has passed; unrecovered ones are logged. */
  settle(timeoutMs: number, signal?: AbortSignal): Promise<void>;
  /** Stops polling at once (interrupt); pending kills are logged as unrecovered. */
  abandon(): void;
}

/**
 * Measures, by polling every `pollMs`, how long each kill takes until a replacement pod exists and until the workload
 * is back to its pre-kill availability. Each poll GETs the workload of pending kills; it LISTs the workload's pods
 * only while a replacement, the victim's disappearance or the kill's mark on the status is still unseen (usually the
 * first second: the wait for readiness is then GETs alone, which matters on workloads of thousands of pods). A status
 * read before the controllers noticed the kill still shows the pre-kill availability: it never counts as recovery.
 */
export function createRecoveryTracker(
  deps: { cluster: Cluster; clock: Clock; log: KillLog; ledger?: Pick<RunLedger, 'tracking' | 'settled'> | undefined },
  { pollMs = 500 }: { pollMs?: number } = {},
): RecoveryTracker {
  const pending: Pending[] = [];
  const stopper = new AbortController();
  const reported = new Set<string>();
  /** Failed polls in a row, by workload: a failed poll is tried again at the next one, not counted as an error. */
  const failedPolls = new Map<string, number>();
  let deadline = Number.POSITIVE_INFINITY;
  let loop: Promise<void> | undefined;

  const pollWorkload = async ([key, kills]: [string, Pending[]]): Promise<void> => {
    const first = kills[0] as Pending;
    try {
      const workload = await deps.cluster.getWorkload(first.workload, { signal: stopper.signal });
      const needPods = kills.some((k) => k.replacementMs === undefined || !k.victimGone || !k.dipSeen);
      const pods = workload && needPods ? await deps.cluster.listPods(workload.namespace, workload.selector, { signal: stopper.signal }) : [];
      failedPolls.delete(key);
      for (const kill of kills) update(kill, workload, needPods ? pods : undefined);
    } catch (error) {
      if (stopper.signal.aborted) return;
      const attempt = (failedPolls.get(key) ?? 0) + 1;
      failedPolls.set(key, attempt);
      const operation = `recovery check of ${first.workload.kind}/${first.workload.name}`;
      const message = describeError(error);
      if (!reported.has(`${operation}: ${message}`)) deps.log.append({ kind: 'retry', operation, attempt, message });
      reported.add(`${operation}: ${message}`);
    }
  };

  /** `pods` undefined: not listed this time, because every kill of the workload already saw both. */
  const update = (kill: Pending, workload: Workload | undefined, pods: Pod[] | undefined): void => {
    const now = deps.clock.now();
    if (pods) {
      kill.victimGone ||= !pods.some((p) => p.uid === kill.pod.uid && !p.deleting);
      const replacements = pods.filter((p) => !p.deleting && !kill.known.has(p.uid));
      if (kill.replacementMs === undefined && replacements.length > 0) kill.replacementMs = now - kill.at;
      kill.dipSeen ||= replacements.some((p) => p.ready);
    }
    if (!workload) return;
    kill.dipSeen ||= workload.available < kill.workload.available;
    if (kill.victimGone && kill.dipSeen && workload.available >= kill.workload.available) finish(kill, now - kill.at, true);
  };

  const finish = (kill: Pending, recoveredMs: number | undefined, recovered: boolean): void => {
    pending.splice(pending.indexOf(kill), 1);
    deps.ledger?.settled(kill.pod, recovered);
    const { kind, namespace, name } = kill.workload;
    deps.log.append({
      kind: 'recovery',
      cookie: kill.cookie,
      pod: kill.pod,
      workload: { kind, namespace, name },
      method: 'poll',
      replacementMs: kill.replacementMs,
      recoveredMs,
      recovered,
    });
  };

  const giveUp = (): void => {
    for (const kill of [...pending]) finish(kill, undefined, false);
  };

  const runLoop = async (): Promise<void> => {
    while (pending.length > 0 && !stopper.signal.aborted) {
      await Promise.all([...groupByWorkload(pending)].map(pollWorkload));
      const now = deps.clock.now();
      if (pending.length === 0) return;
      if (now >= deadline) return giveUp();
      await deps.clock.sleep(Math.min(pollMs, deadline - now), stopper.signal).catch(() => undefined);
    }
  };

  return {
    track(kill) {
      deps.ledger?.tracking(kill.pod);
      pending.push({ ...kill, known: new Set(kill.knownPodUids), replacementMs: undefined, victimGone: false, dipSeen: false });
      loop ??= runLoop().finally(() => {
        loop = undefined;
      });
    },
    async settle(timeoutMs, signal) {
      deadline = deps.clock.now() + timeoutMs;
      const onAbort = (): void => stopper.abort();
      signal?.addEventListener('abort', onAbort, { once: true });
      await loop;
      signal?.removeEventListener('abort', onAbort);
      giveUp();
    },
    abandon() {
      stopper.abort();
      giveUp();
    },
  };
}

function groupByWorkload(kills: readonly Pending[]): Map<string, Pending[]> {
  const groups = new Map<string, Pending[]>();
  for (const kill of kills) {
    const key = `${kill.workload.kind}/${kill.workload.namespace}/${kill.workload.name}`;
    groups.set(key, [...(groups.get(key) ?? []), kill]);
  }
  return groups;
}
