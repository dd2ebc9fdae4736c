import { formatDuration } from '../../config/duration.js';
import { attributionLabel, describeKill, type Attribution } from '../attribution.js';
import type { KillMark } from '../timeline-kills.js';
import type { Timeline } from '../timeline.js';
import type { RunReport } from '../types.js';
import { html, type Html } from './escape.js';

type Cell = Html | string | number;

function table(caption: string, header: readonly string[], rows: readonly Cell[][], numeric: readonly number[] = []): Html {
  const cls = (i: number): string | false => numeric.includes(i) && 'num';
  return html`<table><caption>${caption}</caption><thead><tr>${header.map((h, i) => html`<th scope="col" class="${cls(i) || ''}">${h}</th>`)}</tr></thead><tbody>${rows.map(
    (row) => html`<tr>${row.map((cell, i) => html`<td class="${cls(i) || ''}">${typeof cell === 'object' ? cell : String(cell)}</td>`)}</tr>`,
  )}</tbody></table>`;
}

const since = (report: RunReport, at: number): string => `+${formatDuration(Math.max(0, at - report.startedAt))}`;
const ms = (value: number | undefined): string => (value === undefined ? '—' : formatDuration(value));

export function attributionSection(report: RunReport, attribution: Attribution): Html {
  const failed = attribution.cases.filter((c) => attributionLabel(c) !== undefined);
  const parts: Html[] = [];
  if (report.externalCases.length === 0) {
    parts.push(html`<p class="muted">The verifier gave no test cases (pass its JUnit with <code>--verify-junit</code>, or use <code>--rally</code>), so failures are judged for the command as a whole.</p>`);
  } else if (failed.length === 0) {
    parts.push(html`<p class="good">No test case failed (${report.externalCases.length} cases).</p>`);
  } else {
    parts.push(
      table(
        `${failed.length} failed test cases and the kills whose outage overlapped them`,
        ['Test case', 'Verdict', 'When', 'Kills overlapping'],
        failed.map((c) => [
          `${c.testCase.className}.${c.testCase.name}`,
          html`<span class="${c.timed && c.kills.length > 0 ? 'bad' : ''}">${attributionLabel(c) ?? ''}</span>`,
          c.timed ? `${since(report, c.start)} to ${since(report, c.end)}` : 'no times',
          c.timed ? c.kills.map(describeKill).join('; ') || 'none' : 'see the verification below',
        ]),
      ),
    );
  }
  const v = attribution.verification;
  if (v) {
    const untimed = attribution.cases.filter((c) => !c.timed).length;
    const note = untimed > 0 ? `${untimed} of the verifier's cases carry no times, so they are attributed to the verification as a whole: ` : 'The verification as a whole: ';
    parts.push(html`<p>${note}it ran ${since(report, v.start)} to ${since(report, v.end)} and overlapped ${v.kills.length} kill${v.kills.length === 1 ? '' : 's'}${v.kills.length ? `: ${v.kills.map(describeKill).join('; ')}` : ''}.</p>`);
  }
  return html`${parts}`;
}

export function workloadTable(timeline: Timeline): Html {
  return table(
    'Kills per workload',
    ['Workload', 'Kills', 'Recovered', 'Median', 'Max', 'Not back'],
    timeline.lanes.map((lane) => {
      const times = lane.recoveredMs;
      return [lane.workload, lane.kills.items.length, times.length, ms(times[Math.floor((times.length - 1) / 2)]), ms(times.at(-1)), lane.unrecovered];
    }),
    [1, 2, 3, 4, 5],
  );
}

const statusWords: Record<KillMark['status'], Html> = {
  recovered: html`<span class="good">recovered</span>`,
  slow: html`<span class="bad">over the SLO</span>`,
  unrecovered: html`<span class="bad">NOT RECOVERED</span>`,
  untracked: html`<span class="muted">not measured</span>`,
  'dry-run': html`<span class="muted">dry run</span>`,
};

export function killTable(report: RunReport, timeline: Timeline): Html {
  const failedBy = new Map<string, string[]>();
  for (const c of [...timeline.attribution.failedDuringChaos]) {
    if (!c.timed) continue;
    for (const k of c.kills) failedBy.set(k.bite.pod.uid, [...(failedBy.get(k.bite.pod.uid) ?? []), `${c.testCase.className}.${c.testCase.name}`]);
  }
  const marks = timeline.lanes.flatMap((lane) => lane.kills.items.map(({ item }) => item)).sort((a, b) => a.start - b.start);
  return table(
    `${marks.length} kills`,
    ['At', 'Pod', 'Workload', 'Cookie', 'Mode', 'Replacement', 'Recovered', 'Result', 'Failed test cases overlapping'],
    marks.map((k) => [
      since(report, k.start),
      `${k.bite.pod.namespace}/${k.bite.pod.name}`,
      `${k.bite.workload.kind}/${k.bite.workload.name}`,
      k.bite.cookie,
      k.bite.mode,
      ms(k.recovery?.replacementMs),
      k.recovery?.recovered ? ms(k.recovery.recoveredMs) : '—',
      statusWords[k.status],
      (failedBy.get(k.bite.pod.uid) ?? []).join('; '),
    ]),
    [0, 5, 6],
  );
}

export function eventTable(report: RunReport, timeline: Timeline): Html {
  return table(
    'Skipped ticks, errors and node commands',
    ['At', 'What'],
    timeline.events.map((e) => [since(report, e.at), html`<span class="${e.kind === 'error' || e.kind === 'exec-failed' ? 'bad' : ''}">${e.title.replace(/^\+\S+ /, '')}</span>`]),
    [0],
  );
}

export function deployTable(report: RunReport): Html {
  return table(
    'Deploy check',
    ['Target', 'Ready', 'Message'],
    report.deployCheck.map((d) => [d.name, d.ready ? html`<span class="good">yes</span>` : html`<span class="bad">no</span>`, d.message]),
  );
}

export function caseTable(report: RunReport, attribution: Attribution): Html {
  return table(
    `${attribution.cases.length} test cases of the verifier`,
    ['Suite', 'Test case', 'Result', 'Start', 'Time', 'Kills overlapping'],
    attribution.cases.map((c) => [
      c.testCase.suite,
      `${c.testCase.className}.${c.testCase.name}`,
      html`<span class="${c.result === 'failed' || c.result === 'error' ? 'bad' : c.result === 'passed' ? 'good' : 'muted'}">${attributionLabel(c) ?? c.result}</span>`,
      c.timed ? since(report, c.start) : 'no times',
      `${c.testCase.timeSeconds}s`,
      c.timed ? String(c.kills.length) : '—',
    ]),
    [3, 4, 5],
  );
}
