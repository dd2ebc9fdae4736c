import { formatDuration } from '../config/duration.js';
import { ExitCode } from '../exit-codes.js';
import { entriesOf, type EntryOf, type LogEntry } from '../log/entries.js';
import { describeExecEnd } from '../log/format.js';
import type { DeployCheckResult, RunOutcome, VerifyResult } from '../report/types.js';

export interface OutcomeInput {
  interrupted: 'SIGINT' | 'SIGTERM' | undefined;
  deployCheck: DeployCheckResult[];
  /** A cluster error that stopped the run before chaos (unreachable, forbidden…). */
  fatal: string | undefined;
  verification: VerifyResult | undefined;
  entries: readonly LogEntry[];
  maxRecoveryMs: number | undefined;
}

/**
 * Every reason the run did not pass, and the verdict. When several apply, the first of these wins:
 * interrupted (130/143) › deploy check, cluster or steady state (3) › verification (1) › chaos (4) › passed (0). A cluster error
 * before chaos (unreachable, the RBAC preflight) with every deploy-check target ready is `cluster-failed`.
 */
export function decideOutcome(input: OutcomeInput): { outcome: RunOutcome; exitCode: number; problems: string[] } {
  const deployProblems = input.deployCheck.filter((r) => !r.ready).map((r) => `not ready: ${r.name}: ${r.message}`);
  if (input.fatal) deployProblems.push(input.fatal);
  const steadyProblems = steadyStateFailures(input.entries);
  const verifyProblems = input.verification?.failed ? [`verification failed: ${input.verification.shortMessage}`] : [];
  const chaosProblems = chaosFailures(input.entries, input.maxRecoveryMs);
  const problems = [...deployProblems, ...steadyProblems, ...verifyProblems, ...chaosProblems];
  if (input.interrupted) {
    const exitCode = input.interrupted === 'SIGINT' ? ExitCode.interruptedInt : ExitCode.interruptedTerm;
    return { outcome: 'interrupted', exitCode, problems: [`interrupted by ${input.interrupted}`, ...problems] };
  }
  if (deployProblems.length > 0) {
    const notReady = input.deployCheck.some((r) => !r.ready);
    return { outcome: notReady ? 'deploy-failed' : 'cluster-failed', exitCode: ExitCode.cluster, problems };
  }
  if (steadyProblems.length > 0) return { outcome: 'steady-state-failed', exitCode: ExitCode.cluster, problems };
  if (verifyProblems.length > 0) return { outcome: 'verify-failed', exitCode: ExitCode.verifyFailed, problems };
  if (chaosProblems.length > 0) return { outcome: 'chaos-failed', exitCode: ExitCode.chaosFailed, problems };
  return { outcome: 'passed', exitCode: ExitCode.passed, problems };
}

/** The last failed sample of a probe's phase: what the problem line quotes. */
function lastFailure(entries: readonly LogEntry[], end: EntryOf<'probe-end'>): EntryOf<'probe'> | undefined {
  return entriesOf(entries, 'probe').filter((p) => p.probe === end.probe && p.phase === end.phase && !p.ok).at(-1);
}

/** Probes that did not hold before chaos (start-when within its time, or the steady state): nothing was killed. */
export function steadyStateFailures(entries: readonly LogEntry[]): string[] {
  return entriesOf(entries, 'probe-end')
    .filter((e) => e.breached && (e.phase === 'before' || e.phase === 'start-when'))
    .map((e) => {
      const last = lastFailure(entries, e);
      const what = e.phase === 'before' ? 'steady state not met before chaos' : `did not pass within its start-when time (${e.samples} samples)`;
      return `probe ${e.probe}: ${what}${last ? `: ${last.message}` : ''}; nothing was killed`;
    });
}

/** The verdict of a chaos-only run (a server job) still in progress: what the same rule says of its entries so far. */
export function verdictSoFar(entries: readonly LogEntry[], maxRecoveryMs: number | undefined): ReturnType<typeof decideOutcome> {
  return decideOutcome({ interrupted: undefined, deployCheck: [], fatal: undefined, verification: undefined, entries, maxRecoveryMs });
}

/** Cookie errors, unrecovered workloads and recoveries slower than the SLO. */
export function chaosFailures(entries: readonly LogEntry[], maxRecoveryMs: number | undefined): string[] {
  const problems: string[] = [];
  for (const e of entriesOf(entries, 'error')) problems.push(`${e.cookie ? `cookie ${e.cookie}: ` : ''}${e.message}`);
  for (const e of entriesOf(entries, 'recovery')) {
    const what = `${e.workload.kind}/${e.workload.namespace}/${e.workload.name} after pod ${e.pod.name} was killed`;
    if (!e.recovered) problems.push(`unrecovered: ${what}`);
    else if (maxRecoveryMs !== undefined && (e.recoveredMs ?? 0) > maxRecoveryMs) {
      problems.push(`slow recovery: ${what}: ${formatDuration(e.recoveredMs ?? 0)}, over the ${formatDuration(maxRecoveryMs)} SLO`);
    }
  }
  for (const e of entriesOf(entries, 'chaos-abort')) problems.push(`chaos aborted: ${e.reason}`);
  for (const e of entriesOf(entries, 'probe-end')) {
    if (!e.breached || e.phase === 'before' || e.phase === 'start-when') continue;
    const last = lastFailure(entries, e);
    const what = e.phase === 'after' ? 'failed after recovery (steady state not restored)' : `breached during chaos (${e.failures} of ${e.samples} samples failed; tolerance: ${e.tolerance})`;
    problems.push(`probe ${e.probe} ${what}${last ? `: ${last.message}` : ''}`);
  }
  for (const e of entriesOf(entries, 'exec')) {
    if (e.exitCode !== 0 && !e.dryRun && !e.cancelled) problems.push(`cookie ${e.cookie}: node ${e.node}: ${e.command.join(' ')} ${describeExecEnd(e)}`);
  }
  return problems;
}
