import { resolve } from 'node:path';
import { createCiOutput, detectCi, shouldUseColor, type CiKind } from '../ci/output.js';
import { renderStepSummary } from '../ci/summary.js';
import type { Cookie } from '../config/schema.js';
import { systemClock } from '../core/clock.js';
import { describeError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { printable } from '../printable.js';
import { executePipeline, type Phase } from '../core/pipeline.js';
import { randomSeed, seededRng } from '../core/rng.js';
import type { NodeExecRunner } from '../core/chaos.js';
import type { Cluster } from '../kube/types.js';
import { pipelineOptionsFrom } from '../options/pipeline-options.js';
import { probeSetFor, probeSpecsFrom } from '../probes/index.js';
import { createKillLog, entriesOf } from '../log/entries.js';
import { formatEntry, toJsonLine } from '../log/format.js';
import { attachNotifications } from '../notify/index.js';
import { toHtmlReport } from '../report/html/report.js';
import { toJUnitXml } from '../report/junit.js';
import type { RunReport } from '../report/types.js';
import { writeFileAtomic } from '../report/write-atomic.js';
import type { CliIo } from './io.js';
import { notificationSettings } from './notify-settings.js';
import { renderSummary } from './render.js';
import type { RunFlags } from './run-options.js';
import { buildVerification } from './verification.js';

/** Builds the Cluster; retries of its requests become `retry` entries of the kill log. */
export type Connect = (onRetry: (operation: string, attempt: number, message: string) => void) => Promise<Cluster>;

const phaseTitles: Record<Phase, string> = {
  'deploy-check': 'Deploy check',
  preflight: 'RBAC preflight',
  'steady-state': 'Steady state (probes)',
  chaos: 'Chaos',
  verification: 'Verification',
  recovery: 'Recovery',
};

/** Everything `run` and `demo` share once they have a cluster and cookies: pipeline, live log, reports, exit code. */
export async function runSession(
  flags: RunFlags,
  cookies: Cookie[],
  connect: Connect,
  io: CliIo,
  extras: { nodeExec?: NodeExecRunner | undefined } = {},
): Promise<{ report: RunReport; exitCode: number }> {
  const clock = systemClock;
  const seed = flags.seed ?? randomSeed();
  const probeSpecs = await probeSpecsFrom(flags, io.cwd);
  const log = createKillLog(clock);
  const cluster = await connect((operation, attempt, message) => log.append({ kind: 'retry', operation, attempt, message }));
  // Slack (cookies with `slack: true`), the generic webhook ($KCM_SLACK_WEBHOOK_URL, $KCM_WEBHOOK_URL) and `events: true`.
  const notify = attachNotifications(log, { cluster, cookies }, await notificationSettings(flags, io));
  const kind: CiKind = flags.ci === 'auto' ? detectCi(io.env) : flags.ci;
  const ci = createCiOutput({ kind, env: io.env, write: io.stdout, clock, color: flags.color ?? shouldUseColor(io.env, io.isTTY) });
  log.subscribe((entry) => {
    if (flags['log-format'] === 'json') return io.stdout(`${toJsonLine(entry)}\n`);
    const line = formatEntry(entry, flags['log-format']);
    if (line !== undefined) io.stdout(`${line}\n`);
    if (entry.kind === 'error') ci.error(entry.hint ? `${entry.message} (${entry.hint})` : entry.message, { title: entry.cookie ? `cookie ${entry.cookie}` : 'cookiemonster' });
    if (entry.kind === 'recovery' && !entry.recovered) ci.warning(line ?? '', { title: 'unrecovered workload' });
  });
  const self = io.env['POD_NAME'] && io.env['POD_NAMESPACE'] ? { name: io.env['POD_NAME'], namespace: io.env['POD_NAMESPACE'] } : undefined;
  const report = await executePipeline(
    pipelineOptionsFrom(flags, { cookies, seed, defaultNamespace: cluster.defaultNamespace, self }),
    {
      cluster,
      clock,
      rng: seededRng(seed),
      log,
      nodeExec: extras.nodeExec,
      probes: probeSetFor(probeSpecs, { clock, cwd: io.cwd, cluster, log }),
      verification: buildVerification(flags, {
        clock,
        cwd: io.cwd,
        env: io.env,
        onLine: (stream, line) => (stream === 'stdout' ? io.stdout : io.stderr)(`[verify] ${line}\n`),
      }),
      onPhase: (phase, state) => (state === 'start' ? ci.startPhase(phase, phaseTitles[phase]) : ci.endPhase(phase)),
      onProgress: (message) => io.stdout(`${message}\n`),
      // After an interrupt the reports come first: CI gives a killed step only seconds.
      settle: () => notify.flush(),
    },
    { signal: io.signal, interruptSignal: io.interruptSignal },
  );
  notify.detach();
  const junitPath = resolve(io.cwd, flags.junit);
  const killLogPath = resolve(io.cwd, flags['kill-log']);
  const htmlPath = resolve(io.cwd, flags.html);
  const unwritten = await writeReports([
    { flag: '--junit', path: junitPath, content: () => toJUnitXml(report) },
    { flag: '--kill-log', path: killLogPath, content: () => report.entries.map((e) => `${toJsonLine(e)}\n`).join('') },
    { flag: '--html', path: htmlPath, content: () => toHtmlReport(report) },
  ]);
  io.stdout(renderSummary(report, { junit: flags.junit, killLog: flags['kill-log'], html: flags.html }));
  if (report.exitCode !== 0) ci.error(report.problems[0] ?? report.outcome, { title: `chaos test ${report.outcome}` });
  // A report that cannot be written fails a passed run (exit 2, like any unusable path); a failed run keeps its code.
  const exitCode = unwritten.length > 0 && report.exitCode === ExitCode.passed ? ExitCode.usage : report.exitCode;
  for (const problem of unwritten) {
    const line = `${problem}${report.exitCode === ExitCode.passed ? ' (the chaos test itself passed)' : ''}`;
    io.stderr(`cookiemonster: ${line}\n`);
    ci.error(line, { title: 'report not written' });
  }
  await ci.summary(renderStepSummary(report));
  await ci.setOutputs({
    junit: junitPath,
    'kill-log': killLogPath,
    html: htmlPath,
    kills: String(entriesOf(report.entries, 'bite').length),
    verdict: report.outcome,
    'exit-code': String(exitCode),
  });
  return { report, exitCode };
}

/**
 * Writes every report, each on its own: one that cannot be written leaves the others written. Returns one line per
 * report that was not, naming its flag, its path and why (`--html: cannot write PATH: read-only file system (EROFS)`).
 */
async function writeReports(reports: readonly { flag: string; path: string; content: () => string }[]): Promise<string[]> {
  const problems: string[] = [];
  for (const { flag, path, content } of reports) {
    try {
      await writeFileAtomic(path, content());
    } catch (error) {
      problems.push(printable(`${flag}: ${describeError(error)}`));
    }
  }
  return problems;
}
