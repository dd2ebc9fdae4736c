import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock } from '../core/clock.js';
import { describeError } from '../errors.js';
import { readExternalJUnit } from '../report/merge-junit.js';
import type { ExternalCase, VerifyResult } from '../report/types.js';
import { runCommand, type OutputStream } from '../verify/run-command.js';
import { rallyArgv, rallyEnv, type RallyInvocation } from './rally-command.js';
import { describeSlaFailures, parseSlaCheck, parseTaskStarted, rallyErrorLine, type SlaFailure } from './rally-output.js';

export interface RallyOptions extends RallyInvocation {
  taskFile: string;
  /** Where `rally task export` writes its JUnit file. */
  workDir: string;
  /** `--deployment NAME`: an existing Rally deployment/env instead of the current one. */
  deployment?: string | undefined;
  /** Applies to `rally task start`; sla-check and export get `followUpTimeoutMs` each. */
  timeoutMs?: number | undefined;
  killAfterMs?: number | undefined;
  followUpTimeoutMs?: number | undefined;
  onLine?: ((stream: OutputStream, line: string) => void) | undefined;
}

export interface RallyResult {
  /** `rally task start`'s result; failed when the task failed to run or its SLA failed. */
  verify: VerifyResult;
  slaFailures: SlaFailure[];
  /** Rally's own JUnit cases (suite "rally"), or an error case saying why they are missing. */
  externalCases: ExternalCase[];
  taskId: string | undefined;
  junitFile: string | undefined;
}

/**
 * The `--rally TASK_FILE` preset: `rally task start` (exit 0 passed, 2 SLA failed), then `rally task sla-check --json`
 * for the failed criteria, then `rally task export --type junit-xml` for the per-workload cases.
 */
export async function runRally(options: RallyOptions, deps: { clock: Clock }, { signal }: { signal?: AbortSignal } = {}): Promise<RallyResult> {
  const env = rallyEnv(options);
  const followUpMs = options.followUpTimeoutMs ?? 120_000;
  let taskId: string | undefined;
  const deployment = options.deployment ? ['--deployment', options.deployment] : [];
  const start = await runCommand(
    {
      argv: rallyArgv(options, 'task', 'start', ...deployment, options.taskFile),
      env,
      timeoutMs: options.timeoutMs,
      killAfterMs: options.killAfterMs,
      onLine: (stream, line) => {
        taskId ??= parseTaskStarted(line);
        options.onLine?.(stream, line);
      },
    },
    deps,
    { signal },
  );
  const done = (verify: VerifyResult, slaFailures: SlaFailure[] = [], externalCases: ExternalCase[] = [], junitFile?: string): RallyResult => ({
    verify: { ...verify, durationMs: deps.clock.now() - start.startedAt },
    slaFailures,
    externalCases,
    taskId,
    junitFile,
  });
  if (start.timedOut || start.cancelled || taskId === undefined || signal?.aborted) {
    const noTask = taskId === undefined && !start.timedOut && !start.cancelled;
    return done(noTask ? { ...start, failed: true, shortMessage: `rally task start ${start.failed ? start.shortMessage : 'printed no "Task <uuid>: started" line'}` } : start);
  }
  const id = taskId;
  const step = (args: string[], onLine?: (stream: OutputStream, line: string) => void) =>
    runCommand({ argv: rallyArgv(options, ...args), env, timeoutMs: followUpMs, killAfterMs: options.killAfterMs, onLine: onLine ?? options.onLine }, deps, { signal });

  const problems: ExternalCase[] = [];
  const problem = (name: string, message: string): void => {
    problems.push({ suite: 'rally', className: 'rally', name, timeSeconds: 0, error: message });
  };

  const slaOutput: string[] = [];
  const sla = await step(['task', 'sla-check', '--uuid', id, '--json'], (stream, line) => {
    if (stream === 'stdout' && slaOutput.length < 100_000) slaOutput.push(line);
    options.onLine?.(stream, line);
  });
  let slaFailures: SlaFailure[] = [];
  if (sla.exitCode === 0 || sla.exitCode === 1) {
    try {
      slaFailures = parseSlaCheck(slaOutput.join('\n'));
    } catch (error) {
      problem('rally task sla-check', describeError(error));
    }
  } else {
    problem('rally task sla-check', `rally task sla-check ${sla.shortMessage}${lastLine(sla.stderrTail)}`);
  }

  const junitFile = join(options.workDir, `rally-${id}-junit.xml`);
  let externalCases: ExternalCase[] = [];
  if (!signal?.aborted) {
    await mkdir(options.workDir, { recursive: true });
    const exported = await step(['task', 'export', '--uuid', id, '--type', 'junit-xml', '--to', junitFile]);
    try {
      if (exported.failed) throw new Error(`rally task export ${exported.shortMessage}${lastLine(exported.stderrTail)}`);
      externalCases = readExternalJUnit(await readFile(junitFile, 'utf8'), { defaultSuite: 'rally', source: junitFile });
    } catch (error) {
      problem('rally task export', describeError(error));
    }
  }

  const slaFailed = start.exitCode === 2 || slaFailures.length > 0;
  const shortMessage = slaFailures.length > 0
    ? `Rally SLA failed: ${describeSlaFailures(slaFailures)}`
    : slaFailed
      ? 'Rally SLA failed (rally task start exited with code 2)'
      : start.failed
        ? `rally task start ${start.shortMessage}`
        : 'passed';
  return done({ ...start, failed: start.failed || slaFailed, shortMessage }, slaFailures, [...externalCases, ...problems], junitFile);
}

function lastLine(tail: string): string {
  const line = rallyErrorLine(tail);
  return line ? `: ${line}` : '';
}
