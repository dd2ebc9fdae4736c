import { formatDuration } from '../../config/duration.js';
import { entriesOf } from '../../log/entries.js';
import { version } from '../../version.js';
import { failureSplit } from '../attribution-text.js';
import { buildTimeline, type Timeline } from '../timeline.js';
import type { RunReport } from '../types.js';
import { html, type Html } from './escape.js';
import { reportCss } from './style.js';
import { renderTimelineSvg } from './svg.js';
import { attributionSection, caseTable, deployTable, eventTable, killTable, workloadTable } from './tables.js';

/** Nothing is fetched and nothing runs: no script, font, image or frame may load, even from a hostile name. */
const contentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

/**
 * The run as one self-contained HTML page (inline CSS and SVG, no script): summary, the timeline, which test
 * failures overlapped which kill, and the tables behind the picture. Pure: same report, same bytes.
 */
export function toHtmlReport(report: RunReport): string {
  const timeline = buildTimeline(report);
  const verdict = `${report.outcome.toUpperCase()} (exit ${report.exitCode})`;
  const bites = entriesOf(report.entries, 'bite');
  const sections: Html[] = [
    html`<section aria-labelledby="h-summary"><h2 id="h-summary">Summary</h2>${summary(report, timeline)}${problems(report)}</section>`,
    html`<section aria-labelledby="h-timeline"><h2 id="h-timeline">Timeline</h2><figure>${renderTimelineSvg(timeline, `Timeline of run ${report.runId}: ${bites.length} kills in ${timeline.lanes.length} workloads`)}<figcaption>${legend}</figcaption></figure></section>`,
    html`<section aria-labelledby="h-attribution"><h2 id="h-attribution">Test failures and kills</h2>${attributionSection(report, timeline.attribution)}</section>`,
  ];
  if (timeline.lanes.length > 0) sections.push(html`<section aria-labelledby="h-kills"><h2 id="h-kills">Kills</h2>${workloadTable(timeline)}${killTable(report, timeline)}</section>`);
  if (timeline.events.length > 0) sections.push(html`<section aria-labelledby="h-events"><h2 id="h-events">Skipped ticks and errors</h2>${eventTable(report, timeline)}</section>`);
  if (report.deployCheck.length > 0) sections.push(html`<section aria-labelledby="h-deploy"><h2 id="h-deploy">Deploy check</h2>${deployTable(report)}</section>`);
  if (report.externalCases.length > 0) sections.push(html`<section aria-labelledby="h-cases"><h2 id="h-cases">Test cases</h2>${caseTable(report, timeline.attribution)}</section>`);
  const page = html`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>cookiemonster ${verdict}: run ${report.runId}</title>
<style>${reportCss}</style>
</head>
<body>
<header><h1>kube-cookiemonster: run ${report.runId}</h1><p class="verdict ${report.exitCode === 0 ? 'passed' : 'failed'}">${verdict}</p></header>
<main>${sections}</main>
<footer>Written by kube-cookiemonster ${version}. Times are from the run's start (${new Date(report.startedAt).toISOString()}); hover a mark for its details.</footer>
</body>
</html>
`;
  return page.text;
}

const legend = html`<span class="legend"><span><i class="st-down"></i>pod gone, no replacement yet</span><span><i class="st-starting"></i>replacement starting</span><span><i class="st-ready"></i>Ready, workload not yet available</span><span><i class="st-untracked"></i>recovery not measured</span><span><i class="passed"></i>test passed</span><span><i class="failed"></i>test failed</span><span><i class="failband"></i>while a test failed</span></span> A dashed bar never recovered; a black stroke marks the kill, and a test case that overlapped one.`;

function summary(report: RunReport, timeline: Timeline): Html {
  const kills = timeline.lanes.flatMap((lane) => lane.kills.items.map(({ item }) => item));
  const times = timeline.lanes.flatMap((lane) => lane.recoveredMs).sort((a, b) => a - b);
  const unrecovered = kills.filter((k) => k.status === 'unrecovered').length;
  const rows: [string, string][] = [
    ['Run', `${report.runId}, seed ${report.seed}${report.dryRun ? ', dry run (nothing deleted)' : ''}`],
    ['Cluster', report.server],
    ['Started', new Date(report.startedAt).toISOString()],
    ['Duration', formatDuration(Math.max(0, report.finishedAt - report.startedAt))],
    ['Cookies', report.cookies.map((c) => `${c.name} (${c.target})`).join(', ') || 'none'],
    ['Kills', `${kills.length} in ${timeline.lanes.length} workloads${times.length ? `; recovered ${times.length}, median ${formatDuration(times[Math.floor((times.length - 1) / 2)] ?? 0)}, max ${formatDuration(times.at(-1) ?? 0)}` : ''}${unrecovered ? `; ${unrecovered} not recovered` : ''}`],
  ];
  if (report.maxRecoveryMs !== undefined) rows.push(['Recovery SLO', formatDuration(report.maxRecoveryMs)]);
  rows.push(['Skipped ticks, errors', `${entriesOf(report.entries, 'skip').length}, ${entriesOf(report.entries, 'error').length}`]);
  if (report.verification) rows.push(['Verification', `${report.verification.shortMessage} in ${formatDuration(report.verification.durationMs)}`]);
  if (report.externalCases.length > 0) rows.push(['Test cases', `${report.externalCases.length}; ${failureSplit(timeline.attribution) ?? 'none failed'}`]);
  if (report.interrupted) rows.push(['Interrupted by', `${report.interrupted} (results are partial)`]);
  return html`<dl class="summary">${rows.map(([k, v]) => html`<dt>${k}</dt><dd>${v}</dd>`)}</dl>`;
}

function problems(report: RunReport): Html | string {
  if (report.problems.length === 0) return '';
  return html`<h3>Problems</h3><ul class="problems">${report.problems.map((p) => html`<li>${p}</li>`)}</ul>`;
}
