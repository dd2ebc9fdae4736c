import { setMaxListeners } from 'node:events';
import type { Cookie } from '../config/schema.js';
import { describeError, isCookieError } from '../errors.js';
import type { Cluster } from '../kube/types.js';
import type { KillLog } from '../log/entries.js';
import type { DeployCheckResult, ExternalCase, RunReport, VerifyResult } from '../report/types.js';
import { probeImpact } from '../probes/impact.js';
import type { ProbeSet } from '../probes/runner.js';
import { accessNeeds, checkAccess } from './access-preflight.js';
import { startChaos, type NodeExecRunner } from './chaos.js';
import type { Clock } from './clock.js';
import type { BiteOptions } from './cookies/context.js';
import { createAvailabilityLedger, type AvailabilityLedger } from './ledger.js';
import { checkDeployments, type CheckTarget } from './deploy-check.js';
import { decideOutcome } from './outcome.js';
import { buildRunReport } from './run-report.js';
import { createRecoveryTracker } from './recovery.js';
import { createScopeFeed } from './scope-watch.js';
import { newRunId, type Rng } from './rng.js';

export type Phase = 'deploy-check' | 'preflight' | 'steady-state' | 'chaos' | 'verification' | 'recovery';

export interface PipelineOptions {
  cookies: Cookie[];
  /** Extra deploy-check targets; the cookies' own workloads are always checked. */
  checks: CheckTarget[];
  skipDeployCheck: boolean;
  /** Skip the RBAC preflight (SelfSubjectAccessReview of every verb the cookies need) before the first kill. */
  skipPreflight?: boolean | undefined;
  readyTimeoutMs: number;
  chaosDurationMs: number | undefined;
  maxRecoveryMs: number | undefined;
  recoveryTimeoutMs: number;
  seed: number;
  bite: BiteOptions;
  pollMs?: number;
}

/** The verification step: a command, the Rally preset, or anything that yields one result shape. */
export interface Verification {
  command: string[];
  run(signal: AbortSignal): Promise<{ result: VerifyResult; externalCases: ExternalCase[] }>;
}

export interface PipelineDeps {
  cluster: Cluster;
  clock: Clock;
  rng: Rng;
  log: KillLog;
  verification: Verification | undefined;
  nodeExec?: NodeExecRunner | undefined;
  onPhase?: ((phase: Phase, state: 'start' | 'end') => void) | undefined;
  onProgress?: ((message: string) => void) | undefined;
  /** Side work still in flight (notifications) that should land in the report; skipped after an interrupt. */
  settle?: (() => Promise<void>) | undefined;
  /** Kills not yet recovered, shared with other runs of this process; default: one ledger for this run alone. */
  ledger?: AvailabilityLedger | undefined;
  /** Probes: start-when and steady state before chaos, sampled during it (a breach may abort it), checked after recovery. */
  probes?: ProbeSet | undefined;
  /** Called once when a probe with `abort: true` breaches: no cookie bites again in this run. */
  onAbort?: ((reason: string) => void) | undefined;
}

export interface PipelineControl {
  /** The interrupt (SIGINT/SIGTERM, server shutdown): cancels what is in flight, abandons recovery. */
  signal?: AbortSignal | undefined;
  interruptSignal?: (() => 'SIGINT' | 'SIGTERM' | undefined) | undefined;
  /** The run's id; default: start time and a random suffix. */
  runId?: string | undefined;
}

export interface RunHandle {
  /** Graceful: no new tick starts, the ticks in flight finish; then recovery is measured as usual. Resolves once the cookies have stopped. */
  stop(): Promise<void>;
  /** The report, once recovery is measured and the verdict written. Never rejects for what happens in the cluster. */
  done: Promise<RunReport>;
}

/**
 * The one run lifecycle of `run`, the library and server jobs: deploy check → cookies in the background →
 * verification (or until the cookies end or `stop()`) → stop → recovery → verdict → report.
 */
export function startRun(options: PipelineOptions, deps: PipelineDeps, control: PipelineControl = {}): RunHandle {
  const graceful = new AbortController();
  let chaosStopped: Promise<void> = Promise.resolve();
  const done = lifecycle(options, deps, control, graceful.signal, (stopped) => (chaosStopped = stopped));
  return {
    stop: async () => {
      graceful.abort();
      await chaosStopped;
    },
    done,
  };
}

/** Deploy check → cookies → verification → stop → recovery → report, as one promise. */
export function executePipeline(options: PipelineOptions, deps: PipelineDeps, control: PipelineControl = {}): Promise<RunReport> {
  return startRun(options, deps, control).done;
}

async function lifecycle(
  options: PipelineOptions,
  deps: PipelineDeps,
  control: PipelineControl,
  stop: AbortSignal,
  onChaos: (stopped: Promise<void>) => void,
): Promise<RunReport> {
  const { clock, log } = deps;
  const signal = control.signal ?? new AbortController().signal;
  // Every request, poll and probe of the run listens to the interrupt: dozens at once is normal, not a leak.
  setMaxListeners(0, signal);
  const startedAt = clock.now();
  const runId = control.runId ?? newRunId(startedAt);
  log.append({ kind: 'run-start', runId, dryRun: options.bite.dryRun, seed: options.seed, server: deps.cluster.server });
  let deployCheck: DeployCheckResult[] = [];
  let fatal: string | undefined;
  let verification: VerifyResult | undefined;
  let externalCases: ExternalCase[] = [];

  const phase = async <T>(name: Phase, body: () => Promise<T>): Promise<T> => {
    deps.onPhase?.(name, 'start');
    try {
      return await body();
    } finally {
      deps.onPhase?.(name, 'end');
    }
  };

  try {
    if (!options.skipDeployCheck) {
      deployCheck = await phase('deploy-check', () =>
        checkDeployments([...options.checks, ...cookieTargets(options.cookies)], deps, {
          timeoutMs: options.readyTimeoutMs,
          pollMs: options.pollMs ?? 1000,
          onProgress: deps.onProgress,
          signal,
        }),
      );
      for (const r of deployCheck) log.append({ kind: 'deploy-check', name: r.name, ready: r.ready, message: r.message });
    }
    if (deployCheck.every((r) => r.ready) && !signal.aborted && !stop.aborted) {
      if (!options.skipPreflight) {
        const needs = accessNeeds(options.cookies, { mode: options.bite.mode, nodeExec: deps.nodeExec?.access });
        await phase('preflight', () => checkAccess(deps.cluster, needs, log, signal));
      }
      const probes = deps.probes;
      const steady = !probes || (await phase('steady-state', async () => (await probes.awaitStart(signal)) && (await probes.checkOnce('before', signal))));
      if (steady && !signal.aborted && !stop.aborted) {
        ({ verification, externalCases } = await chaosWindow(options, deps, signal, stop, phase, onChaos));
        if (probes && !signal.aborted) {
          for (const impact of probeImpact(log.entries())) log.append(impact);
          await phase('steady-state', () => probes.checkOnce('after', signal));
        }
      }
    }
  } catch (error) {
    if (!signal.aborted) fatal = isCookieError(error) ? describeError(error) : `internal error: ${describeError(error)}`;
  }

  if (!signal.aborted) await deps.settle?.();
  const interrupted = signal.aborted ? (control.interruptSignal?.() ?? 'SIGTERM') : undefined;
  const verdict = decideOutcome({ interrupted, deployCheck, fatal, verification, entries: log.entries(), maxRecoveryMs: options.maxRecoveryMs });
  const end = log.append({ kind: 'run-end', outcome: verdict.outcome, exitCode: verdict.exitCode });
  return buildRunReport({
    runId,
    startedAt,
    finishedAt: end.at,
    dryRun: options.bite.dryRun,
    seed: options.seed,
    server: deps.cluster.server,
    verdict,
    interrupted,
    maxRecoveryMs: options.maxRecoveryMs,
    deployCheck,
    cookies: options.cookies,
    verification,
    externalCases,
    entries: log.entries(),
  });
}

async function chaosWindow(
  options: PipelineOptions,
  deps: PipelineDeps,
  signal: AbortSignal,
  stop: AbortSignal,
  phase: <T>(name: Phase, body: () => Promise<T>) => Promise<T>,
  onChaos: (stopped: Promise<void>) => void,
): Promise<{ verification: VerifyResult | undefined; externalCases: ExternalCase[] }> {
  const ledger = (deps.ledger ?? createAvailabilityLedger()).openRun({ dryRun: options.bite.dryRun });
  const watching = new AbortController();
  const scopes = createScopeFeed(deps.cluster, deps.clock, watching.signal);
  const tracker = createRecoveryTracker({ ...deps, ledger, scopes }, { pollMs: options.pollMs ?? 500 });
  deps.onPhase?.('chaos', 'start');
  const chaos = startChaos(options.cookies, { ...deps, ledger, scopes }, { ...options.bite, chaosDurationMs: options.chaosDurationMs, onKill: (k) => tracker.track(k) }, { signal });
  const stopChaos = (): void => onChaos(chaos.stop());
  stop.addEventListener('abort', stopChaos, { once: true });
  onChaos(chaos.done);
  const probing = deps.probes?.watchDuring({
    signal,
    onAbort: (probe, reason) => {
      deps.log.append({ kind: 'chaos-abort', probe, reason });
      deps.onAbort?.(reason);
      stopChaos();
    },
  });
  let outcome: Awaited<ReturnType<Verification['run']>> | undefined;
  try {
    if (deps.verification) {
      const verification = deps.verification;
      deps.log.append({ kind: 'verify-start', command: verification.command });
      outcome = await phase('verification', () => verification.run(signal));
      const r = outcome.result;
      deps.log.append({ kind: 'verify-end', exitCode: r.exitCode, signal: r.signal, timedOut: r.timedOut, cancelled: r.cancelled, durationMs: r.durationMs });
    } else {
      await chaos.done;
    }
  } finally {
    stop.removeEventListener('abort', stopChaos);
    await chaos.stop();
    await probing?.stop();
    deps.onPhase?.('chaos', 'end');
  }
  if (signal.aborted) tracker.abandon();
  else await phase('recovery', () => tracker.settle(options.recoveryTimeoutMs, signal));
  ledger.close();
  watching.abort();
  return { verification: outcome?.result, externalCases: outcome?.externalCases ?? [] };
}

/** Named cookies check their workload; random ones every workload of their kind in their namespace. */
export function cookieTargets(cookies: readonly Cookie[]): CheckTarget[] {
  return cookies.flatMap((c): CheckTarget[] => {
    if (c.group !== 'killpod') return [];
    return c.workload
      ? [{ type: 'workload', ref: { kind: c.kind, namespace: c.namespace, name: c.workload } }]
      : [{ type: 'kind', namespace: c.namespace, kind: c.kind }];
  });
}
