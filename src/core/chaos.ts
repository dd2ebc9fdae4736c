import type { Cookie, NodeExecCookie } from '../config/schema.js';
import type { AccessCheck, Cluster } from '../kube/types.js';
import type { KillLog } from '../log/entries.js';
import type { Clock } from './clock.js';
import { describeCookieTarget, scopeOf } from './cookie-target.js';
import { CookieError, describeError, isCookieError } from '../errors.js';
import { createAvailabilityLedger, type RunLedger } from './ledger.js';
import { forkRng, type Rng } from './rng.js';
import { biteKillPod } from './cookies/killpod.js';
import type { BiteContext, BiteOptions, KillRecord } from './cookies/context.js';
import { runTicks, type LoopEnd } from './scheduler.js';
import type { ScopeFeed } from './scope-watch.js';
import { watchedTargets } from './cookies/targets.js';

/** Runs a nodeexec cookie once (the original's semantics), writing `exec` entries; `access` is what it needs of RBAC. */
export type NodeExecRunner = ((cookie: NodeExecCookie, ctx: BiteContext) => Promise<void>) & { access?: readonly AccessCheck[] | undefined };

export interface ChaosDeps {
  cluster: Cluster;
  clock: Clock;
  rng: Rng;
  log: KillLog;
  nodeExec?: NodeExecRunner | undefined;
  /** Shared with the run's recovery tracker (and a server's other jobs); default: one for this chaos alone. */
  ledger?: RunLedger | undefined;
  /** Watches shared with the recovery tracker: cookies pick victims from them. Without it, every tick reads by GET and LIST. */
  scopes?: ScopeFeed | undefined;
}

export interface ChaosOptions extends BiteOptions {
  /** Stop every cookie after this long (ms), whatever their own duration. */
  chaosDurationMs?: number | undefined;
  onKill?: ((kill: KillRecord) => void) | undefined;
}

export interface ChaosHandle {
  /**
   * Graceful, the same for every cookie kind: no new tick starts; the ticks in flight finish (a kill's requests, a
   * nodeexec command, bounded by its own timeout) and the returned promise resolves then. Only the abort signal cancels.
   */
  stop(): Promise<void>;
  /** Resolves when every cookie has ended by itself, by `stop()` or by the abort signal. */
  done: Promise<void>;
}

/** Starts every cookie on its own timer loop in the background. */
export function startChaos(
  cookies: readonly Cookie[],
  deps: ChaosDeps,
  options: ChaosOptions,
  { signal }: { signal?: AbortSignal } = {},
): ChaosHandle {
  const stopper = new AbortController();
  const window = options.chaosDurationMs;
  const ledger = deps.ledger ?? createAvailabilityLedger().openRun({ dryRun: options.dryRun });
  const watching = signal ?? new AbortController().signal;
  const contexts = cookies.map((): BiteContext => {
    const { scopes } = deps;
    const targets = scopes && watchedTargets({ cluster: deps.cluster, clock: deps.clock, log: deps.log, feed: scopes, signal: watching });
    return { ...deps, ledger, rng: forkRng(deps.rng), options, signal, targets, onKill: options.onKill };
  });
  const done = Promise.all(
    cookies.map((cookie, i) => runCookie(cookie, contexts[i] as BiteContext, deps, window, stopper.signal, signal)),
  ).then(() => undefined);
  return {
    stop: async () => {
      stopper.abort();
      await done;
    },
    done,
  };
}

async function runCookie(
  cookie: Cookie,
  ctx: BiteContext,
  deps: ChaosDeps,
  window: number | undefined,
  stop: AbortSignal,
  abort: AbortSignal | undefined,
): Promise<void> {
  const counts = { bites: 0, skips: 0, errors: 0 };
  const unsubscribe = deps.log.subscribe((entry) => {
    if (!('cookie' in entry) || entry.cookie !== cookie.name) return;
    if (entry.kind === 'bite') counts.bites++;
    else if (entry.kind === 'skip') counts.skips++;
    else if (entry.kind === 'error') counts.errors++;
  });
  let reason: LoopEnd = 'duration';
  try {
    if (cookie.group === 'nodeexec') {
      deps.log.append({ kind: 'cookie-start', cookie: cookie.name, group: 'nodeexec', scope: scopeOf(cookie), target: describeCookieTarget(cookie), intervalMs: 0, durationMs: 0, dryRun: ctx.options.dryRun });
      const runOnce = nodeExecTick(cookie, ctx, deps);
      reason = runOnce ? await runTicks(runOnce, deps.clock, { intervalMs: 0, durationMs: 0, maxTicks: 1, stop, abort }) : 'duration';
    } else {
      const durations = [cookie.durationMs, window ?? 0].filter((d) => d > 0);
      const durationMs = durations.length ? Math.min(...durations) : 0;
      deps.log.append({ kind: 'cookie-start', cookie: cookie.name, group: 'killpod', scope: scopeOf(cookie), target: describeCookieTarget(cookie), intervalMs: cookie.intervalMs, durationMs, dryRun: ctx.options.dryRun });
      reason = await runTicks((n) => biteKillPod(cookie, n, ctx), deps.clock, { intervalMs: cookie.intervalMs, durationMs, stop, abort });
    }
  } catch (error) {
    // A failed cookie is a record, not a crash: the other cookies and the run go on.
    const known = isCookieError(error) ? error : new CookieError('internal', describeError(error));
    deps.log.append({ kind: 'error', cookie: cookie.name, code: known.code, message: known.message, ...(known.hint !== undefined && { hint: known.hint }) });
    reason = abort?.aborted ? 'aborted' : stop.aborted ? 'stopped' : 'duration';
  } finally {
    unsubscribe();
    ctx.targets?.close();
  }
  deps.log.append({ kind: 'cookie-stop', cookie: cookie.name, reason, ...counts });
}

/** nodeexec runs once, as one tick: a graceful stop lets its commands finish, only the abort signal (ctx.signal) cancels them. */
function nodeExecTick(cookie: NodeExecCookie, ctx: BiteContext, deps: ChaosDeps): (() => Promise<void>) | undefined {
  const { nodeExec } = deps;
  if (nodeExec) return () => nodeExec(cookie, ctx);
  deps.log.append({ kind: 'error', cookie: cookie.name, code: 'usage', message: 'nodeexec cookies need the exec worker DaemonSet; run them with `cookiemonster serve` or a nodeexec-enabled run' });
  return undefined;
}
