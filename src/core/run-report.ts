import type { Cookie } from '../config/schema.js';
import { entriesOf, type LogEntry } from '../log/entries.js';
import type { RunOutcome, RunReport } from '../report/types.js';
import { describeCookieTarget } from './cookie-target.js';

/** What a run knows at its end; the report adds the cookie summaries and the abort reason read off the entries. */
export type RunReportParts = Pick<
  RunReport,
  'runId' | 'startedAt' | 'finishedAt' | 'dryRun' | 'seed' | 'server' | 'interrupted' | 'maxRecoveryMs' | 'deployCheck' | 'verification' | 'externalCases'
> & {
  verdict: { outcome: RunOutcome; exitCode: number; problems: string[] };
  cookies: readonly Cookie[];
  entries: readonly LogEntry[];
};

/** The report every output reads (summary, JUnit, job status), built in this one place for runs and server jobs. */
export function buildRunReport(parts: RunReportParts): RunReport {
  const { verdict, entries } = parts;
  const starts = entriesOf(entries, 'cookie-start');
  const stops = entriesOf(entries, 'cookie-stop');
  return {
    runId: parts.runId,
    startedAt: parts.startedAt,
    finishedAt: parts.finishedAt,
    dryRun: parts.dryRun,
    seed: parts.seed,
    server: parts.server,
    ...verdict,
    interrupted: parts.interrupted,
    maxRecoveryMs: parts.maxRecoveryMs,
    deployCheck: parts.deployCheck,
    cookies: parts.cookies.map((cookie) => ({
      name: cookie.name,
      group: cookie.group,
      target: starts.find((e) => e.cookie === cookie.name)?.target ?? describeCookieTarget(cookie),
      stoppedReason: stops.find((e) => e.cookie === cookie.name)?.reason,
    })),
    verification: parts.verification,
    externalCases: parts.externalCases,
    entries: [...entries],
    abortReason: entriesOf(entries, 'chaos-abort')[0]?.reason,
  };
}
