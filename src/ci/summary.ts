import { formatDuration } from '../config/duration.js';
import { entriesOf, type EntryOf } from '../log/entries.js';
import { describeExecCounts } from '../log/exec-counts.js';
import { probeSummaryLines } from '../probes/summary-lines.js';
import { describeExecEnd } from '../log/format.js';
import type { RunOutcome, RunReport } from '../report/types.js';
import { attributeCases, attributionLabel, describeKill } from '../report/attribution.js';
import { failureSplit } from '../report/attribution-text.js';
import { describeStages } from '../log/stages.js';
import { mdDetails, mdFence, mdTable, mdText } from './markdown.js';
import { killGantt } from './mermaid.js';

/** Rows beyond this go to the kill log only, so the summary stays far below GitHub's 1 MiB. */
export const maxSummaryRows = 200;

const verdicts: Record<RunOutcome, string> = {
  passed: '✅ Chaos test passed',
  'verify-failed': '❌ Verification failed',
  'deploy-failed': '❌ Deploy check failed',
  'chaos-failed': '❌ Chaos failed',
  'cluster-failed': '❌ Cluster access failed',
  'steady-state-failed': '❌ Steady state not met',
  interrupted: '⚠️ Interrupted',
};

/** The GitHub step summary of a run: verdict, problems, kills with recovery times, skips, verification. */
export function renderStepSummary(report: RunReport): string {
  const sections = [
    `## ${verdicts[report.outcome]} (exit ${report.exitCode})`,
    overview(report),
    ...problems(report),
    ...deployCheck(report),
    ...kills(report),
    ...chart(report),
    ...nodeCommands(report),
    ...probes(report),
    ...skips(report),
    ...verification(report),
  ];
  return `${sections.join('\n\n')}\n`;
}

function overview(report: RunReport): string {
  const rows = [
    ['Run', `${mdText(report.runId)}, seed ${report.seed}${report.dryRun ? ', **dry run** (nothing deleted)' : ''}`],
    ['Cluster', mdText(report.server)],
    ['Duration', formatDuration(Math.max(0, report.finishedAt - report.startedAt))],
    ['Cookies', report.cookies.map((c) => mdText(c.name)).join(', ') || 'none'],
  ];
  if (report.maxRecoveryMs !== undefined) rows.push(['Recovery SLO', formatDuration(report.maxRecoveryMs)]);
  if (report.interrupted) rows.push(['Interrupted by', report.interrupted]);
  return mdTable(['', ''], rows);
}

function problems(report: RunReport): string[] {
  if (report.problems.length === 0) return [];
  return [`### Problems\n\n${report.problems.map((p) => `- ${mdText(p)}`).join('\n')}`];
}

function deployCheck(report: RunReport): string[] {
  if (report.deployCheck.length === 0) return [];
  const ready = report.deployCheck.filter((r) => r.ready).length;
  const table = mdTable(
    ['Target', 'Ready', 'Message'],
    report.deployCheck.map((r) => [mdText(r.name), r.ready ? 'yes' : '**no**', mdText(r.message)]),
  );
  const title = `Deploy check: ${ready}/${report.deployCheck.length} ready`;
  return [ready === report.deployCheck.length ? mdDetails(title, table) : `### ${title}\n\n${table}`];
}

function kills(report: RunReport): string[] {
  const bites = entriesOf(report.entries, 'bite');
  const recoveries = new Map(entriesOf(report.entries, 'recovery').map((r) => [r.pod.uid, r]));
  const heading = `### Kills: ${bites.length}${report.dryRun ? ' (dry run)' : ''}`;
  if (bites.length === 0) return [`${heading}\n\nNo pod was ${report.dryRun ? 'selected' : 'killed'}.`];
  const rows = bites
    .slice(0, maxSummaryRows)
    .map((b) => [
      `+${formatDuration(Math.max(0, b.at - report.startedAt))}`,
      mdText(b.cookie),
      mdText(`${b.pod.namespace}/${b.pod.name}`),
      mdText(`${b.workload.kind}/${b.workload.name}`),
      b.mode,
      `${b.availableBefore}/${b.desired}`,
      recoveryCell(b, recoveries.get(b.pod.uid), report.maxRecoveryMs),
    ]);
  return [`${heading}\n\n${mdTable(['At', 'Cookie', 'Pod', 'Workload', 'Mode', 'Available', 'Recovered in'], rows)}${more(bites.length)}`];
}

function recoveryCell(bite: EntryOf<'bite'>, recovery: EntryOf<'recovery'> | undefined, sloMs: number | undefined): string {
  if (bite.dryRun) return '— (dry run)';
  if (!recovery) return '— (not tracked)';
  if (!recovery.recovered || recovery.recoveredMs === undefined) return '❌ not recovered';
  const took = formatDuration(recovery.recoveredMs);
  const stages = recovery.stages ? ` (${mdText(describeStages(recovery.stages))})` : '';
  return `${sloMs !== undefined && recovery.recoveredMs > sloMs ? `⚠️ ${took} (over ${formatDuration(sloMs)})` : took}${stages}`;
}

function nodeCommands(report: RunReport): string[] {
  const execs = entriesOf(report.entries, 'exec');
  if (execs.length === 0) return [];
  const rows = execs
    .slice(0, maxSummaryRows)
    .map((e) => [`+${formatDuration(Math.max(0, e.at - report.startedAt))}`, mdText(e.cookie), mdText(e.node), mdText(e.command.join(' ')), mdText(describeExecEnd(e))]);
  return [`### Node commands: ${describeExecCounts(execs)}\n\n${mdTable(['At', 'Cookie', 'Node', 'Command', 'Result'], rows)}${more(execs.length)}`];
}

function probes(report: RunReport): string[] {
  const lines = probeSummaryLines(report.entries);
  return lines.length === 0 ? [] : [`### Probes\n\n${lines.map((l) => `- ${mdText(l)}`).join('\n')}`];
}

function skips(report: RunReport): string[] {
  const skipped = entriesOf(report.entries, 'skip');
  if (skipped.length === 0) return [];
  const rows = skipped.slice(0, maxSummaryRows).map((s) => [`+${formatDuration(Math.max(0, s.at - report.startedAt))}`, mdText(s.cookie), s.reason, mdText(s.message)]);
  return [mdDetails(`Skipped ticks: ${skipped.length}`, `${mdTable(['At', 'Cookie', 'Reason', 'Message'], rows)}${more(skipped.length)}`)];
}

function verification(report: RunReport): string[] {
  const v = report.verification;
  if (!v) return [];
  const lines = [`### Verification: ${v.failed ? '❌' : '✅'} ${mdText(v.shortMessage)} in ${formatDuration(v.durationMs)}`, '', `Command: ${mdText(v.command.join(' '))}`];
  const failedCases = report.externalCases.filter((c) => c.failure !== undefined || c.error !== undefined);
  if (report.externalCases.length > 0) lines.push('', `Merged test cases: ${report.externalCases.length}, failed: ${failedCases.length}`);
  for (const c of failedCases.slice(0, maxSummaryRows)) lines.push(`- ${mdText(`${c.className}.${c.name}`)}: ${mdText(c.failure ?? c.error ?? '')}`);
  lines.push(...testFailures(report));
  if (v.failed && v.stderrTail.trim() !== '') lines.push('', mdDetails('stderr (last lines)', mdFence(v.stderrTail)));
  if (v.failed && v.stdoutTail.trim() !== '') lines.push('', mdDetails('stdout (last lines)', mdFence(v.stdoutTail)));
  return [lines.join('\n')];
}

function more(total: number): string {
  return total > maxSummaryRows ? `\n\n… and ${total - maxSummaryRows} more in the kill log.` : '';
}

function chart(report: RunReport): string[] {
  const gantt = killGantt(report);
  return gantt ? [`### Timeline\n\n${gantt}`] : [];
}

/** Which failed cases overlapped a kill (named), which failed outside any kill window, which had no times. */
function testFailures(report: RunReport): string[] {
  const attribution = attributeCases(report);
  const split = failureSplit(attribution);
  if (!split) return [];
  const failed = [...attribution.failedDuringChaos, ...attribution.failedOutsideKills, ...attribution.failedUntimed].slice(0, maxSummaryRows);
  const rows = failed.map((c) => [
    mdText(`${c.testCase.className}.${c.testCase.name}`),
    c.timed && c.kills.length > 0 ? `**${attributionLabel(c) ?? ''}**` : (attributionLabel(c) ?? ''),
    c.timed ? mdText(c.kills.map(describeKill).join('; ')) || 'none' : 'see the verification as a whole',
  ]);
  return ['', `Test failures and kills: ${mdText(split)}`, '', mdTable(['Test case', 'Verdict', 'Kills overlapping'], rows)];
}
