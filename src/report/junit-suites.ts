import { entriesOf } from '../log/entries.js';
import { errorCase } from './junit-cookies.js';
import { error, failure, passed, seconds, type CaseSpec, type SuiteSpec } from './junit-model.js';
import type { ExternalCase, RunReport, VerifyResult } from './types.js';

export const verificationSuiteName = 'verification';
export const runSuiteName = 'cookiemonster';

/** A case per deploy-check target; none when the check was skipped. */
export function deployCheckSuite(report: RunReport): SuiteSpec | undefined {
  if (report.deployCheck.length === 0) return undefined;
  const cases = report.deployCheck.map(
    (check): CaseSpec => ({
      className: 'deploy-check',
      name: check.name,
      timeSeconds: seconds(check.durationMs),
      verdict: check.ready ? passed : failure(`not ready: ${check.message}`, 'deploy-not-ready'),
      systemOut: check.ready ? check.message : undefined,
    }),
  );
  return { name: 'deploy-check', startedAt: report.startedAt, timeSeconds: cases.reduce((sum, c) => Math.max(sum, c.timeSeconds), 0), cases };
}

/** The command's case; `chaosNote` (which kills overlapped it) leads its system-out. */
export function verificationCase(result: VerifyResult, chaosNote?: string): CaseSpec {
  const command = result.shell ? (result.command[0] ?? '') : result.command.join(' ');
  const type = result.timedOut ? 'timeout' : result.cancelled ? 'cancelled' : 'verify-failed';
  const status = `exit code ${result.exitCode ?? 'none'}${result.signal ? `, signal ${result.signal}` : ''}, ${result.durationMs} ms`;
  return {
    className: verificationSuiteName,
    name: command,
    timeSeconds: seconds(result.durationMs),
    verdict: result.failed ? failure(result.shortMessage, type, status) : passed,
    systemOut: [chaosNote, result.stdoutTail].filter((s) => s !== undefined && s !== '').join('\n'),
    systemErr: result.stderrTail,
  };
}

/** A verifier's case; `chaosNote` (failed during chaos or outside any kill window, the kills it overlapped) leads its system-out. */
export function externalCase(c: ExternalCase, chaosNote?: string): CaseSpec {
  const verdict =
    c.failure !== undefined
      ? failure(firstLine(c.failure), 'failure', unlessSame(c.failure))
      : c.error !== undefined
        ? error(firstLine(c.error), 'error', unlessSame(c.error))
        : c.skipped !== undefined
          ? ({ kind: 'skipped' } as const)
          : passed;
  const skipNote = c.skipped !== undefined && c.skipped !== '' ? `skipped: ${c.skipped}` : undefined;
  const systemOut = [chaosNote, skipNote, c.systemOut].filter((s) => s !== undefined && s !== '').join('\n');
  return { className: c.className, name: c.name, timeSeconds: c.timeSeconds, verdict, systemOut, systemErr: c.systemErr };
}

/** Things that belong to no cookie: the interruption, errors without a cookie, a run stopped before chaos. */
export function runSuite(report: RunReport): SuiteSpec | undefined {
  const cookies = new Set(report.cookies.map((c) => c.name));
  const cases: CaseSpec[] = [];
  if (report.interrupted) {
    cases.push({
      className: runSuiteName,
      name: 'run interrupted',
      timeSeconds: seconds(report.finishedAt - report.startedAt),
      verdict: error(`the run was interrupted by ${report.interrupted}; results are partial`, 'interrupted'),
    });
  }
  for (const entry of entriesOf(report.entries, 'error')) {
    if (entry.cookie === undefined || !cookies.has(entry.cookie)) cases.push(errorCase(entry, runSuiteName));
  }
  const stoppedEarly = report.outcome === 'cluster-failed';
  if (stoppedEarly) {
    cases.push({
      className: runSuiteName,
      name: 'run stopped early',
      timeSeconds: seconds(report.finishedAt - report.startedAt),
      verdict: error(report.problems[0] ?? report.outcome, report.outcome, report.problems.join('\n')),
    });
  }
  if (cases.length === 0) return undefined;
  return { name: runSuiteName, startedAt: report.startedAt, timeSeconds: seconds(report.finishedAt - report.startedAt), cases };
}

/** The full text as details, unless the first line already says it all. */
function unlessSame(text: string): string | undefined {
  return text.trim() === firstLine(text) ? undefined : text;
}

function firstLine(text: string): string {
  return text.split('\n').find((line) => line.trim() !== '')?.trim() ?? text;
}
