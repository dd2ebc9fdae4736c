import { formatDuration } from '../config/duration.js';
import { entriesOf } from '../log/entries.js';
import { describeExecEnd } from '../log/format.js';
import { attributeCases, attributionLabel, describeKill, type AttributedCase, type Attribution } from './attribution.js';
import { killMark, type KillMark } from './timeline-kills.js';
import type { WorkloadRef } from '../kube/types.js';
import type { RunReport } from './types.js';

export interface Span {
  start: number;
  end: number;
}

export interface PhaseSpan extends Span {
  name: 'deploy check' | 'chaos' | 'verification' | 'recovery';
}

/** Marks placed on `rows` sub-rows so that overlapping ones sit apart; beyond `maxRows` they share the last row. */
export interface Packed<T> {
  items: { item: T; row: number }[];
  rows: number;
}

export interface KillLane {
  /** "deployment/keystone in openstack" */
  workload: string;
  ref: WorkloadRef;
  kills: Packed<KillMark>;
  recoveredMs: number[];
  unrecovered: number;
}

export interface PointEvent {
  at: number;
  kind: 'skip' | 'error' | 'exec-ok' | 'exec-failed';
  title: string;
}

/** A lane of timed pass/fail samples (a probe's results): one function turning entries into these adds a strip. */
export interface SampleLane {
  label: string;
  samples: { at: number; ok: boolean; title: string }[];
  /** Where the last sample's state stops holding. */
  end: number;
}

export type TimedCase = Extract<AttributedCase, { timed: true }>;

export interface Timeline extends Span {
  phases: PhaseSpan[];
  lanes: KillLane[];
  events: PointEvent[];
  samples: SampleLane[];
  cases: Packed<{ attributed: TimedCase; title: string }>;
  attribution: Attribution;
}

export const maxKillRows = 4;
export const maxCaseRows = 6;

/** Everything the HTML report draws, in times (epoch ms); the renderer only scales and escapes. */
export function buildTimeline(report: RunReport): Timeline {
  const attribution = attributeCases(report);
  const recoveries = new Map(entriesOf(report.entries, 'recovery').map((r) => [r.pod.uid, r]));
  const timedCases = attribution.cases.filter((c): c is TimedCase => c.timed);
  const lastEntry = Math.max(report.finishedAt, ...report.entries.map((e) => e.at), ...timedCases.map((c) => c.end));
  const end = Math.max(report.startedAt + 1, lastEntry);
  const marks = entriesOf(report.entries, 'bite').map((bite) => killMark(bite, recoveries.get(bite.pod.uid), end, report.maxRecoveryMs));
  const gap = (end - report.startedAt) / 400;
  return {
    start: report.startedAt,
    end,
    phases: phases(report, end),
    lanes: lanesOf(marks, gap),
    events: events(report),
    samples: probeLanes(report, end),
    cases: packRows(
      timedCases.map((attributed) => ({ attributed, title: caseTitle(attributed, report.startedAt) })),
      (c) => c.attributed,
      maxCaseRows,
      gap,
    ),
    attribution,
  };
}

function lanesOf(marks: KillMark[], gap: number): KillLane[] {
  const byWorkload = new Map<string, KillMark[]>();
  for (const mark of marks) {
    const key = `${mark.bite.workload.kind}/${mark.bite.workload.name} in ${mark.bite.workload.namespace}`;
    byWorkload.set(key, [...(byWorkload.get(key) ?? []), mark]);
  }
  return [...byWorkload].map(([workload, kills]) => ({
    workload,
    ref: kills[0]?.bite.workload ?? { kind: 'deployment', namespace: '', name: workload },
    kills: packRows(kills, (k) => k, maxKillRows, gap),
    recoveredMs: kills.flatMap((k) => (k.status === 'recovered' || k.status === 'slow' ? [k.recovery?.recoveredMs ?? 0] : [])).sort((a, b) => a - b),
    unrecovered: kills.filter((k) => k.status === 'unrecovered').length,
  }));
}

/** Greedy interval partitioning: each item goes to the first row free at its start (a `gap` apart), else a new row. */
export function packRows<T>(items: readonly T[], span: (item: T) => Span, maxRows: number, gap = 0): Packed<T> {
  const rowEnds: number[] = [];
  const placed = [...items]
    .map((item, index) => ({ item, index, s: span(item) }))
    .sort((a, b) => a.s.start - b.s.start || a.index - b.index)
    .map(({ item, index, s }) => {
      let row = rowEnds.findIndex((rowEnd) => rowEnd + gap < s.start);
      if (row === -1) row = rowEnds.length < maxRows ? rowEnds.length : rowEnds.indexOf(Math.min(...rowEnds));
      rowEnds[row] = Math.max(rowEnds[row] ?? s.end, s.end);
      return { item, row, index };
    })
    .sort((a, b) => a.index - b.index);
  return { items: placed.map(({ item, row }) => ({ item, row })), rows: Math.max(1, rowEnds.length) };
}

function phases(report: RunReport, end: number): PhaseSpan[] {
  const at = (kind: Parameters<typeof entriesOf>[1]) => entriesOf(report.entries, kind).map((e) => e.at);
  const found: PhaseSpan[] = [];
  const checks = at('deploy-check');
  const checked = checks.length > 0 ? Math.max(...checks) : report.startedAt + Math.max(0, ...report.deployCheck.map((d) => d.durationMs));
  if (report.deployCheck.length > 0 || checks.length > 0) found.push({ name: 'deploy check', start: report.startedAt, end: checked });
  const starts = at('cookie-start');
  const stops = at('cookie-stop');
  const chaosStart = starts.length > 0 ? Math.min(...starts) : undefined;
  const chaosEnd = stops.length > 0 ? Math.max(...stops) : end;
  if (chaosStart !== undefined) found.push({ name: 'chaos', start: chaosStart, end: chaosEnd });
  const v = report.verification;
  const verifyStart = at('verify-start')[0] ?? v?.startedAt;
  if (verifyStart !== undefined) found.push({ name: 'verification', start: verifyStart, end: at('verify-end')[0] ?? (v ? v.startedAt + v.durationMs : end) });
  const recovering = Math.max(...at('recovery'), ...at('run-end'));
  if (chaosStart !== undefined && recovering > chaosEnd) found.push({ name: 'recovery', start: chaosEnd, end: recovering });
  return found;
}

/** A strip per probe: its log has every failed sample and each return to passing, so a sample's state holds until the next. */
function probeLanes(report: RunReport, end: number): SampleLane[] {
  const since = (at: number): string => `+${formatDuration(Math.max(0, at - report.startedAt))}`;
  const lanes = new Map<string, SampleLane>();
  for (const e of report.entries) {
    if (e.kind !== 'probe' && e.kind !== 'probe-end') continue;
    const lane = lanes.get(e.probe) ?? { label: `probe ${e.probe}`, samples: [], end };
    lanes.set(e.probe, lane);
    if (e.kind === 'probe') lane.samples.push({ at: e.at, ok: e.ok, title: `${since(e.at)} probe ${e.probe} (${e.phase}): ${e.ok ? 'passing' : 'FAILED'}: ${e.message}` });
    else lane.end = e.at;
  }
  return [...lanes.values()].filter((lane) => lane.samples.length > 0);
}

function events(report: RunReport): PointEvent[] {
  const since = (at: number): string => `+${formatDuration(Math.max(0, at - report.startedAt))}`;
  const found: PointEvent[] = [];
  for (const e of report.entries) {
    if (e.kind === 'skip') found.push({ at: e.at, kind: 'skip', title: `${since(e.at)} cookie ${e.cookie}, tick ${e.tick} skipped (${e.reason}): ${e.message}` });
    if (e.kind === 'error') found.push({ at: e.at, kind: 'error', title: `${since(e.at)} error${e.cookie ? ` in cookie ${e.cookie}` : ''} (${e.code}): ${e.message}` });
    if (e.kind === 'exec') found.push({ at: e.at, kind: e.exitCode === 0 || e.dryRun || e.cancelled ? 'exec-ok' : 'exec-failed', title: `${since(e.at)} ${e.node}: ${e.command.join(' ')}: ${describeExecEnd(e)}` });
  }
  return found;
}

function caseTitle(c: TimedCase, runStart: number): string {
  const since = (at: number): string => `+${formatDuration(Math.max(0, at - runStart))}`;
  const label = attributionLabel(c) ?? c.result;
  const kills = c.kills.length > 0 ? `; overlapped ${c.kills.map(describeKill).join(', ')}` : '';
  return `${c.testCase.className}.${c.testCase.name}: ${label}, ${since(c.start)} to ${since(c.end)}${kills}`;
}
