import { entriesOf, type EntryOf } from '../log/entries.js';
import type { ExternalCase, RunReport } from './types.js';

/** The time a killed pod's workload was short of it: from the kill until it was back to its pre-kill availability. */
export interface OutageWindow {
  bite: EntryOf<'bite'>;
  recovery: EntryOf<'recovery'> | undefined;
  start: number;
  end: number;
  /** Not seen recovering: the window ends where measuring it ended (or with the run, when it was not measured). */
  open: boolean;
}

export type CaseVerdictWord = 'passed' | 'failed' | 'error' | 'skipped';

/** A test case of the verifier next to the kills: `kills` are those whose outage window overlapped the case. */
export type AttributedCase =
  | { testCase: ExternalCase; result: CaseVerdictWord; timed: true; start: number; end: number; kills: OutageWindow[] }
  | { testCase: ExternalCase; result: CaseVerdictWord; timed: false };

export interface Attribution {
  windows: OutageWindow[];
  cases: AttributedCase[];
  /** The verification command as a whole (where cases carry no times, the only level kills can be named at). */
  verification: { start: number; end: number; kills: OutageWindow[] } | undefined;
  failedDuringChaos: AttributedCase[];
  failedOutsideKills: AttributedCase[];
  failedUntimed: AttributedCase[];
}

/** Outage windows of every real kill (a dry-run kill deletes nothing, so it has none). */
export function outageWindows(report: RunReport): OutageWindow[] {
  const recoveries = new Map(entriesOf(report.entries, 'recovery').map((r) => [r.pod.uid, r]));
  return entriesOf(report.entries, 'bite')
    .filter((bite) => !bite.dryRun)
    .map((bite) => {
      const recovery = recoveries.get(bite.pod.uid);
      if (recovery?.recovered) return { bite, recovery, start: bite.at, end: bite.at + (recovery.recoveredMs ?? recovery.at - bite.at), open: false };
      return { bite, recovery, start: bite.at, end: Math.max(bite.at, recovery?.at ?? report.finishedAt), open: true };
    });
}

/** Closed intervals: a case that ended the moment a pod was killed still saw it. */
const overlaps = (start: number, end: number, w: OutageWindow): boolean => start <= w.end && w.start <= end;

export function caseResult(c: ExternalCase): CaseVerdictWord {
  return c.failure !== undefined ? 'failed' : c.error !== undefined ? 'error' : c.skipped !== undefined ? 'skipped' : 'passed';
}

/**
 * Which kills each of the verifier's cases overlapped. A case's window is its start (widened by the timestamp's
 * precision: a whole-second timestamp may be up to a second early) plus its time.
 */
export function attributeCases(report: RunReport): Attribution {
  const windows = outageWindows(report);
  const cases = report.externalCases.map((testCase): AttributedCase => {
    const result = caseResult(testCase);
    if (!testCase.start) return { testCase, result, timed: false };
    const start = testCase.start.at;
    const end = start + testCase.start.precisionMs + testCase.timeSeconds * 1000;
    return { testCase, result, timed: true, start, end, kills: windows.filter((w) => overlaps(start, end, w)) };
  });
  const v = report.verification;
  const verification = v ? { start: v.startedAt, end: v.startedAt + v.durationMs, kills: windows.filter((w) => overlaps(v.startedAt, v.startedAt + v.durationMs, w)) } : undefined;
  const failed = cases.filter((c) => c.result === 'failed' || c.result === 'error');
  return {
    windows,
    cases,
    verification,
    failedDuringChaos: failed.filter((c) => c.timed && c.kills.length > 0),
    failedOutsideKills: failed.filter((c) => c.timed && c.kills.length === 0),
    failedUntimed: failed.filter((c) => !c.timed),
  };
}

/** "openstack/keystone-abc (deployment/keystone, cookie keystone-killer)" */
export function describeKill(w: OutageWindow): string {
  return `${w.bite.pod.namespace}/${w.bite.pod.name} (${w.bite.workload.kind}/${w.bite.workload.name}, cookie ${w.bite.cookie})`;
}

/** "failed during chaos", "failed outside any kill window" or "failed (no times in its JUnit)" for a failure or error; else undefined. */
export function attributionLabel(c: AttributedCase): string | undefined {
  if (c.result !== 'failed' && c.result !== 'error') return undefined;
  if (!c.timed) return 'failed (no times in its JUnit)';
  return c.kills.length > 0 ? 'failed during chaos' : 'failed outside any kill window';
}
