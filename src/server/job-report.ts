import { describeCookieTarget } from '../core/cookie-target.js';
import { buildRunReport } from '../core/run-report.js';
import { formatDuration } from '../config/duration.js';
import { verdictSoFar } from '../core/outcome.js';
import { entriesOf } from '../log/entries.js';
import { describeExecEnd } from '../log/format.js';
import type { RunOutcome, RunReport } from '../report/types.js';
import type { Job } from './job.js';

/** The job's verdict: the one its run wrote once finished; while it runs, what the same rule says so far. */
export function jobVerdict(job: Job): { outcome: RunOutcome; exitCode: number; problems: string[] } {
  if (job.report) return { outcome: job.report.outcome, exitCode: job.report.exitCode, problems: job.report.problems };
  return verdictSoFar(job.log.entries(), job.maxRecoveryMs);
}

/** The job as a RunReport, for toJUnitXml: its final report, or a snapshot of a job still running. */
export function jobReport(job: Job, server: string, now: number): RunReport {
  if (job.report) return job.report;
  return buildRunReport({
    runId: job.id,
    startedAt: job.startedAt,
    finishedAt: now,
    dryRun: job.dryRun,
    seed: job.seed,
    server,
    verdict: jobVerdict(job),
    interrupted: undefined,
    maxRecoveryMs: job.maxRecoveryMs,
    deployCheck: [],
    cookies: job.cookies,
    verification: undefined,
    externalCases: [],
    entries: job.log.entries(),
  });
}

const iso = (ms: number | undefined): string | null => (ms === undefined ? null : new Date(ms).toISOString());

/** The JSON shape of a job on /api/v2. */
export function jobJson(job: Job, detail = false) {
  const entries = job.log.entries();
  const bites = entriesOf(entries, 'bite');
  const recoveries = entriesOf(entries, 'recovery');
  const verdict = job.state === 'finished' ? jobVerdict(job) : undefined;
  const summary = {
    id: job.id,
    name: job.name,
    group: job.group,
    source: job.source,
    state: job.state,
    dryRun: job.dryRun,
    seed: job.seed,
    startedAt: iso(job.startedAt),
    stoppedAt: iso(job.stoppedAt),
    finishedAt: iso(job.finishedAt),
    endReason: job.endReason ?? null,
    cookies: job.cookies.map((c) => ({ name: c.name, group: c.group, target: describeCookieTarget(c) })),
    kills: bites.length,
    skips: entriesOf(entries, 'skip').length,
    errors: entriesOf(entries, 'error').length,
    outcome: verdict?.outcome ?? null,
    exitCode: verdict?.exitCode ?? null,
    problems: verdict?.problems ?? [],
  };
  if (!detail) return summary;
  return {
    ...summary,
    victims: bites.map((b) => ({
      at: iso(b.at),
      cookie: b.cookie,
      pod: `${b.pod.namespace}/${b.pod.name}`,
      workload: `${b.workload.kind}/${b.workload.name}`,
      node: b.nodeName ?? null,
      dryRun: b.dryRun,
      recoveredMs: recoveries.find((r) => r.pod.uid === b.pod.uid)?.recoveredMs ?? null,
    })),
    execs: entriesOf(entries, 'exec').map((e) => ({ at: iso(e.at), node: e.node, command: e.command, exitCode: e.exitCode, cancelled: e.cancelled, dryRun: e.dryRun, stdout: e.stdout, stderr: e.stderr })),
  };
}

/**
 * The readable dump of `/status/{group}/{name}`. The original showed a Go `%v` of a struct whose victims were never
 * recorded; this one really lists them.
 */
export function jobStatusText(job: Job): string {
  const entries = job.log.entries();
  const bites = entriesOf(entries, 'bite');
  const recoveries = entriesOf(entries, 'recovery');
  const lines = [
    'Job Status:',
    `name: ${job.name}`,
    `id: ${job.id}`,
    `state: ${job.state}${job.endReason ? ` (${job.endReason})` : ''}${job.dryRun ? ', dry run' : ''}`,
    ...job.cookies.map((c) => `target: ${describeCookieTarget(c)}`),
    `startTime: ${iso(job.startedAt)}`,
    `stopTime: ${iso(job.stoppedAt) ?? '-'}`,
    `kills: ${bites.length}`,
    `skips: ${entriesOf(entries, 'skip').length}`,
    `errors: ${entriesOf(entries, 'error').length}`,
  ];
  if (job.group === 'killpod') {
    lines.push(`victims:${bites.length === 0 ? ' none' : ''}`);
    for (const b of bites) {
      const r = recoveries.find((e) => e.pod.uid === b.pod.uid);
      const recovery = r ? (r.recovered ? `, recovered in ${formatDuration(r.recoveredMs ?? 0)}` : ', NOT recovered') : '';
      lines.push(`  ${iso(b.at)} ${b.pod.namespace}/${b.pod.name} (${b.workload.kind}/${b.workload.name}${b.nodeName ? ` on ${b.nodeName}` : ''})${b.dryRun ? ' [dry run]' : ''}${recovery}`);
    }
  } else {
    lines.push('results:');
    for (const e of entriesOf(entries, 'exec')) {
      lines.push(`  ${iso(e.at)} node ${e.node}: ${e.command.join(' ')} → ${describeExecEnd(e)}`);
      for (const [stream, text] of [['stdout', e.stdout], ['stderr', e.stderr]] as const) {
        if (text) lines.push(...`${stream}: ${text.trimEnd()}`.split('\n').map((l) => `    ${l}`));
      }
    }
  }
  for (const e of entriesOf(entries, 'error')) lines.push(`error: ${e.message}`);
  return `${lines.join('\n')}\n`;
}
