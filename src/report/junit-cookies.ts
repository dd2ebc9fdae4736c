import { formatDuration } from '../config/duration.js';
import { entriesOf, type EntryOf, type LogEntry } from '../log/entries.js';
import { failure, passed, seconds, type CaseSpec, type SuiteSpec } from './junit-model.js';
import { describeExecEnd } from '../log/format.js';
import { describeStages } from '../log/stages.js';
import { describeImpact } from '../probes/impact.js';
import type { CookieSummary, RunReport } from './types.js';

type Recovery = EntryOf<'recovery'>;

export function cookieSuiteName(cookie: string): string {
  return `cookie ${cookie}`;
}

/** One suite per cookie: a case per kill (judged by its recovery), per skipped tick, per error and per node exec. */
export function cookieSuite(report: RunReport, cookie: CookieSummary): SuiteSpec {
  const className = cookieSuiteName(cookie.name);
  const mine = report.entries.filter((e) => 'cookie' in e && e.cookie === cookie.name);
  const recoveries = new Map(entriesOf(mine, 'recovery').map((r) => [r.pod.uid, r]));
  const cases: CaseSpec[] = [];
  const impacts = entriesOf(mine, 'probe-impact');
  for (const entry of mine) {
    const spec = caseOf(entry, className, recoveries, report.maxRecoveryMs);
    if (spec && entry.kind === 'bite') {
      const hurt = impacts.filter((i) => i.pod.uid === entry.pod.uid).map((i) => describeImpact(i));
      if (hurt.length > 0) spec.systemOut = [spec.systemOut, ...hurt].filter(Boolean).join('\n');
    }
    if (spec) cases.push(spec);
  }
  const start = entriesOf(mine, 'cookie-start')[0];
  const stop = entriesOf(mine, 'cookie-stop')[0];
  const startedAt = start?.at ?? report.startedAt;
  const timeSeconds = start && stop ? seconds(stop.at - start.at) : cases.reduce((sum, c) => sum + c.timeSeconds, 0);
  return { name: className, startedAt, timeSeconds, cases };
}

function caseOf(entry: LogEntry, className: string, recoveries: Map<string, Recovery>, sloMs: number | undefined): CaseSpec | undefined {
  switch (entry.kind) {
    case 'bite':
      return killCase(entry, className, recoveries.get(entry.pod.uid), sloMs);
    case 'skip':
      return {
        className,
        name: `tick ${entry.tick} skipped: ${entry.reason}`,
        timeSeconds: 0,
        verdict: { kind: 'skipped' },
        systemOut: entry.message,
      };
    case 'error':
      return errorCase(entry, className);
    case 'exec':
      return {
        className,
        name: `exec on ${entry.node}: ${entry.command.join(' ')}`,
        timeSeconds: 0,
        verdict: execVerdict(entry),
        systemOut: entry.dryRun || entry.cancelled ? `${describeExecEnd(entry)}\n${entry.stdout}` : entry.stdout,
        systemErr: entry.stderr,
      };
    default:
      return undefined;
  }
}

function execVerdict(entry: EntryOf<'exec'>): CaseSpec['verdict'] {
  if (entry.dryRun || entry.cancelled) return { kind: 'skipped' };
  return entry.exitCode === 0 ? passed : failure(describeExecEnd(entry), 'exec-failed');
}

export function errorCase(entry: EntryOf<'error'>, className: string): CaseSpec {
  const where = entry.tick === undefined ? 'error' : `tick ${entry.tick} error`;
  return {
    className,
    name: `${where}: ${entry.code}`,
    timeSeconds: 0,
    verdict: failure(entry.message, entry.code, entry.hint),
  };
}

function killCase(bite: EntryOf<'bite'>, className: string, recovery: Recovery | undefined, sloMs: number | undefined): CaseSpec {
  const workload = `${bite.workload.kind}/${bite.workload.name}`;
  const name = `kill ${bite.pod.namespace}/${bite.pod.name} (${workload})`;
  const how = `${bite.mode} at tick ${bite.tick}, ${bite.availableBefore}/${bite.desired} available before`;
  if (bite.dryRun) return { className, name, timeSeconds: 0, verdict: passed, systemOut: `dry run: not deleted (would ${how})` };
  if (!recovery) return { className, name, timeSeconds: 0, verdict: passed, systemOut: `${how}; recovery was not measured` };
  const replacement = recovery.replacementMs === undefined ? 'no replacement pod seen' : `replacement pod after ${formatDuration(recovery.replacementMs)}`;
  const slo = sloMs === undefined ? '' : `, SLO ${formatDuration(sloMs)}`;
  const stages = recovery.stages ? `; stages: ${describeStages(recovery.stages)} (${recovery.method})` : '';
  const note = `${how}; ${replacement}${stages}${slo}`;
  if (!recovery.recovered) {
    const watched = recovery.at - bite.at;
    const message = `not recovered: ${bite.workload.kind}/${bite.workload.namespace}/${bite.workload.name} was still below its pre-kill availability ${formatDuration(watched)} after the kill (${replacement})`;
    return { className, name, timeSeconds: seconds(watched), verdict: failure(message, 'unrecovered'), systemOut: note };
  }
  const recoveredMs = recovery.recoveredMs ?? recovery.at - bite.at;
  const verdict =
    sloMs !== undefined && recoveredMs > sloMs
      ? failure(`recovered in ${formatDuration(recoveredMs)}, over the ${formatDuration(sloMs)} SLO`, 'slow-recovery')
      : passed;
  return { className, name, timeSeconds: seconds(recoveredMs), verdict, systemOut: `recovered in ${formatDuration(recoveredMs)}; ${note}` };
}
