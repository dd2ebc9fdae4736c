import { formatDuration } from '../config/duration.js';
import { entriesOf } from '../log/entries.js';
import { describeExecCounts } from '../log/exec-counts.js';
import { probeSummaryLines } from '../probes/summary-lines.js';
import { attributeCases, attributionLabel } from '../report/attribution.js';
import { failureSplit, listKills } from '../report/attribution-text.js';
import type { RunReport } from '../report/types.js';

/** The short human summary printed at the end of a run. */
export function renderSummary(report: RunReport, files: { junit: string; killLog: string; html: string }): string {
  const bites = entriesOf(report.entries, 'bite');
  const recoveries = entriesOf(report.entries, 'recovery');
  const times = recoveries.flatMap((r) => (r.recovered && r.recoveredMs !== undefined ? [r.recoveredMs] : [])).sort((a, b) => a - b);
  const lines = [
    '',
    `== cookiemonster ${report.outcome.toUpperCase()} (exit ${report.exitCode}) ==`,
    `run ${report.runId}, seed ${report.seed}${report.dryRun ? ', dry run' : ''}, ${formatDuration(report.finishedAt - report.startedAt)}`,
    `deploy check: ${report.deployCheck.filter((r) => r.ready).length}/${report.deployCheck.length} ready`,
    `kills: ${bites.length}${report.dryRun ? ' (dry run, nothing deleted)' : ''}, skipped ticks: ${entriesOf(report.entries, 'skip').length}, errors: ${entriesOf(report.entries, 'error').length}`,
  ];
  if (recoveries.length > 0) {
    const unrecovered = recoveries.filter((r) => !r.recovered).length;
    const median = times[Math.floor((times.length - 1) / 2)];
    const max = times[times.length - 1];
    lines.push(
      `recovery: ${times.length}/${recoveries.length} recovered${median === undefined ? '' : `, median ${formatDuration(median)}, max ${formatDuration(max ?? 0)}`}${unrecovered ? `, ${unrecovered} unrecovered` : ''}${report.maxRecoveryMs ? ` (SLO ${formatDuration(report.maxRecoveryMs)})` : ''}`,
    );
  }
  lines.push(...probeSummaryLines(report.entries));
  const execs = entriesOf(report.entries, 'exec');
  if (execs.length > 0) lines.push(`node commands: ${describeExecCounts(execs)}`);
  if (report.verification) lines.push(`verification: ${report.verification.shortMessage} in ${formatDuration(report.verification.durationMs)}`);
  lines.push(...attributionLines(report));
  for (const problem of report.problems) lines.push(`  ✗ ${problem}`);
  lines.push(`reports: ${files.junit}, ${files.killLog}, ${files.html}`, '');
  return lines.join('\n');
}

/** Shown failed cases; the JUnit and the HTML report list them all. */
const maxFailedCases = 10;

/** "test cases: 1 failed during chaos, …", then each failed case with its verdict and the kills it overlapped. */
function attributionLines(report: RunReport): string[] {
  const attribution = attributeCases(report);
  const split = failureSplit(attribution);
  if (!split) return [];
  const failed = [...attribution.failedDuringChaos, ...attribution.failedOutsideKills, ...attribution.failedUntimed];
  const lines = [`test cases: ${split}`];
  for (const c of failed.slice(0, maxFailedCases)) {
    const kills = c.timed && c.kills.length > 0 ? `: ${listKills(c.kills, report.startedAt)}` : '';
    lines.push(`  ${c.testCase.className}.${c.testCase.name}: ${attributionLabel(c) ?? c.result}${kills}`);
  }
  if (failed.length > maxFailedCases) lines.push(`  … and ${failed.length - maxFailedCases} more in the JUnit and the HTML report`);
  return lines;
}
