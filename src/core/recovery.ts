import { describeError } from '../errors.js';
import type { Cluster, WorkloadRef } from '../kube/types.js';
import type { KillLog } from '../log/entries.js';
import type { Clock } from './clock.js';
import type { KillRecord } from './cookies/context.js';
import type { RunLedger } from './ledger.js';
import { evaluate, noteStatus, recoveredMs, startProgress, type KillProgress } from './recovery-judge.js';
import { scopeKey, type ScopeFeed, type WatchedScope } from './scope-watch.js';
import { ScopeState } from './scope-state.js';

export interface RecoveryTracker {
  /** Starts timing a real kill (dry-run kills are never tracked). */
  track(kill: KillRecord): void;
  /** Waits until every tracked kill has recovered or `timeoutMs` has passed; unrecovered ones are logged. */
  settle(timeoutMs: number, signal?: AbortSignal): Promise<void>;
  /** Stops at once (interrupt); pending kills are logged as unrecovered. */
  abandon(): void;
}

/** The kills of one workload and what is known of it, from its watch or from polling. */
interface Scope {
  ref: WorkloadRef;
  kills: KillProgress[];
  state: ScopeState;
  method: 'watch' | 'poll';
  watched?: WatchedScope | undefined;
  /** Replacements of recovered kills, and the kill each one ended: one pod ends one kill (or one chain of kills). */
  credited: Map<string, KillProgress>;
}

/**
 * Follows each kill through its stages (recovery-judge.ts) until it has recovered. A workload is watched when `scopes`
 * can watch it (its events judged as they arrive); otherwise, or once its watch fails for good, it is polled every
 * `pollMs` with the same rules: a GET of the workload, and a LIST of its pods while a kill still waits for its
 * victim to go or its replacement to be Ready.
 */
export function createRecoveryTracker(
  deps: { cluster: Cluster; clock: Clock; log: KillLog; ledger?: Pick<RunLedger, 'tracking' | 'settled'> | undefined; scopes?: ScopeFeed | undefined },
  { pollMs = 500 }: { pollMs?: number } = {},
): RecoveryTracker {
  const scopes = new Map<string, Scope>();
  const stopper = new AbortController();
  const reported = new Set<string>();
  const changed = new Set<() => void>();
  let deadline = Number.POSITIVE_INFINITY;
  let loop: Promise<void> | undefined;

  const pending = (): number => [...scopes.values()].reduce((n, s) => n + s.kills.length, 0);
  const wake = (): void => {
    for (const resolve of [...changed]) resolve();
  };

  const judge = (scope: Scope): void => {
    for (const progress of [...scope.kills]) {
      const taken = (other: KillProgress | undefined): boolean => other !== undefined && other !== progress && !chained(progress, other);
      const claimedElsewhere = (uid: string): boolean => taken(scope.credited.get(uid)) || scope.kills.some((k) => k.replacement === uid && taken(k));
      if (!evaluate(progress, scope.state, claimedElsewhere, deps.clock.now())) continue;
      if (progress.replacement !== undefined) scope.credited.set(progress.replacement, progress);
      finish(scope, progress, true);
    }
  };

  const finish = (scope: Scope, progress: KillProgress, recovered: boolean): void => {
    scope.kills.splice(scope.kills.indexOf(progress), 1);
    if (scope.kills.length === 0) {
      scopes.delete(scopeKey(scope.ref));
      scope.watched?.release();
    }
    const { kill, stages } = progress;
    deps.ledger?.settled(kill.pod, recovered);
    const { kind, namespace, name } = kill.workload;
    deps.log.append({
      kind: 'recovery',
      cookie: kill.cookie,
      pod: kill.pod,
      workload: { kind, namespace, name },
      method: scope.method,
      replacementMs: stages.replacement,
      recoveredMs: recovered ? recoveredMs(stages) : undefined,
      recovered,
      stages: { ...stages },
    });
    wake();
  };

  const reportRetry = (scope: Scope, attempt: number, error: unknown): void => {
    const operation = `recovery check of ${scope.ref.kind}/${scope.ref.name}`;
    const message = describeError(error);
    if (!reported.has(`${operation}: ${message}`)) deps.log.append({ kind: 'retry', operation, attempt, message });
    reported.add(`${operation}: ${message}`);
  };

  const failedPolls = new Map<Scope, number>();
  const poll = async (scope: Scope): Promise<void> => {
    try {
      const workload = await deps.cluster.getWorkload(scope.ref, { signal: stopper.signal });
      if (workload) {
        scope.state.sawStatus(workload, deps.clock.now());
        for (const progress of scope.kills) noteStatus(progress, workload);
      }
      const needPods = scope.kills.some((k) => k.stages.gone === undefined || k.stages.ready === undefined);
      if (workload && needPods) scope.state.listed(await deps.cluster.listPods(workload.namespace, workload.selector, { signal: stopper.signal }), deps.clock.now());
      failedPolls.delete(scope);
      judge(scope);
    } catch (error) {
      if (stopper.signal.aborted) return;
      const attempt = (failedPolls.get(scope) ?? 0) + 1;
      failedPolls.set(scope, attempt);
      reportRetry(scope, attempt, error);
    }
  };

  const giveUp = (): void => {
    for (const scope of [...scopes.values()]) for (const progress of [...scope.kills]) finish(scope, progress, false);
  };

  /** Polls the polled scopes, and waits for the watched ones, until no kill is pending or the deadline passes. */
  const runLoop = async (): Promise<void> => {
    while (pending() > 0 && !stopper.signal.aborted) {
      const polled = [...scopes.values()].filter((s) => s.method === 'poll');
      await Promise.all(polled.map(poll));
      const now = deps.clock.now();
      if (pending() === 0) return;
      if (now >= deadline) return giveUp();
      const polling = [...scopes.values()].some((s) => s.method === 'poll');
      const proofs = [...scopes.values()].filter((s) => s.method === 'watch').flatMap((s) => s.kills.map((k) => k.proofAt ?? Number.POSITIVE_INFINITY));
      await untilChanged(Math.min(polling ? pollMs : Number.POSITIVE_INFINITY, deadline - now, ...proofs.map((at) => Math.max(0, at - now))));
      for (const scope of scopes.values()) if (scope.method === 'watch') judgeWatched(scope);
    }
  };

  /** Sleeps `ms`, or less when a watched kill finishes or the deadline moves. */
  const untilChanged = async (ms: number): Promise<void> => {
    const sleeper = new AbortController();
    const resolve = (): void => sleeper.abort();
    changed.add(resolve);
    const onStop = (): void => sleeper.abort();
    stopper.signal.addEventListener('abort', onStop, { once: true });
    if (!Number.isFinite(ms)) await new Promise<void>((r) => sleeper.signal.addEventListener('abort', () => r(), { once: true }));
    else await deps.clock.sleep(ms, sleeper.signal).catch(() => undefined);
    changed.delete(resolve);
    stopper.signal.removeEventListener('abort', onStop);
  };

  const scopeOf = (kill: KillRecord): Scope => {
    const key = scopeKey(kill.workload);
    const existing = scopes.get(key);
    if (existing) return existing;
    const ref = { kind: kill.workload.kind, namespace: kill.workload.namespace, name: kill.workload.name };
    const scope: Scope = { ref, kills: [], state: new ScopeState(), method: 'poll', credited: new Map() };
    const watched = deps.scopes?.join(ref, kill.workload.selector, {
      changed: () => scopes.get(key) === scope && judgeWatched(scope),
      failed: (error) => {
        if (scopes.get(key) !== scope) return;
        reportRetry(scope, 1, error);
        scope.method = 'poll';
        scope.state = new ScopeState();
        scope.watched = undefined;
        wake();
      },
    });
    if (watched) Object.assign(scope, { method: 'watch', state: watched.state, watched });
    scopes.set(key, scope);
    return scope;
  };

  const judgeWatched = (scope: Scope): void => {
    const status = scope.state.status;
    if (status) for (const progress of scope.kills) noteStatus(progress, status.workload);
    judge(scope);
  };

  return {
    track(kill) {
      deps.ledger?.tracking(kill.pod);
      const scope = scopeOf(kill);
      scope.kills.push(startProgress(kill, scope.state));
      if (scope.method === 'watch') judge(scope);
      loop ??= runLoop().finally(() => {
        loop = undefined;
      });
      wake();
    },
    async settle(timeoutMs, signal) {
      deadline = deps.clock.now() + timeoutMs;
      wake();
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

/**
 * Two kills of one chain: the later one killed a pod the earlier one had not seen, a replacement. The workload then
 * lost one pod, not two, and one new pod ends both.
 */
function chained(a: KillProgress, b: KillProgress): boolean {
  const [first, then] = a.kill.requestedAt <= b.kill.requestedAt ? [a, b] : [b, a];
  return !first.known.has(then.kill.pod.uid);
}
