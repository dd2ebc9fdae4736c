import type { Cookie } from '../config/schema.js';
import { entriesOf, type LogEntry } from '../log/entries.js';
import type { DeployCheckResult, ExternalCase, RunOutcome, RunReport, VerifyResult } from '../report/types.js';
import { describeCookieTarget } from './cookie-target.js';

export interface RunReportParts {
  runId: string;
  startedAt: number;
  finishedAt: number;
  dryRun: boolean;
  seed: number;
  server: string;
  verdict: { outcome: RunOutcome; exitCode: number; problems: string[] };
  interrupted: 'SIGINT' | 'SIGTERM' | undefined;
  maxRecoveryMs: number | undefined;
  deployCheck: DeployCheckResult[];
  cookies: readonly Cookie[];
  verification: VerifyResult | undefined;
  externalCases: ExternalCase[];
  entries: readonly LogEntry[];
}

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
