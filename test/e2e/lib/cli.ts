import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { E2eContext } from '../global-setup.js';
import { exec, type ExecResult } from './exec.js';
import { readKillLog, type KillLogLine } from './reports.js';

export interface CookieFile {
  name?: string;
  kind: 'deployment' | 'statefulset' | 'daemonset';
  namespace: string;
  target: number | string;
  interval: number | string;
  duration?: number | string;
  [field: string]: unknown;
}

export interface CliRun extends ExecResult {
  runDir: string;
  junit: string;
  killLogPath: string;
  /** The kill log, or [] when the CLI wrote none. */
  killLog: KillLogLine[];
  /** stdout + stderr, for messages whichever stream they went to. */
  output: string;
}

export interface CliRunOptions {
  /** Scenario label, used in the run dir name. */
  label: string;
  kubeconfig: string;
  /** cookies.d/killpod/<key>.json files. */
  cookies: Record<string, CookieFile>;
  /** Flags after `run` (the harness adds --kubeconfig, --cookies, --junit, --kill-log, --ci plain, --no-color). */
  args: string[];
  /** The verification command after `--`. */
  command?: string[];
  timeoutMs?: number;
}

/**
 * Runs `cookiemonster run` from the installed tarball in a fresh directory, with a clean environment (no CI
 * variables, no KUBECONFIG; HOME is the suite's private Rally home), and reads back what it wrote.
 */
export async function runCli(e2e: E2eContext, options: CliRunOptions): Promise<CliRun> {
  await mkdir(join(e2e.workDir, 'runs'), { recursive: true });
  const runDir = await mkdtemp(join(e2e.workDir, 'runs', `${options.label}-`));
  for (const [key, cookie] of Object.entries(options.cookies)) {
    await mkdir(join(runDir, 'cookies.d/killpod'), { recursive: true });
    await writeFile(join(runDir, 'cookies.d/killpod', `${key}.json`), JSON.stringify(cookie));
  }
  const junit = join(runDir, 'reports/junit.xml');
  const killLogPath = join(runDir, 'reports/kills.jsonl');
  const args = [
    'run',
    '--kubeconfig',
    options.kubeconfig,
    '--cookies',
    join(runDir, 'cookies.d'),
    '--junit',
    junit,
    '--kill-log',
    killLogPath,
    '--ci',
    'plain',
    '--no-color',
    ...options.args,
    ...(options.command ? ['--', ...options.command] : []),
  ];
  const home = 'home' in e2e.rally ? e2e.rally.home : runDir;
  const env = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: home, LANG: 'C.UTF-8' };
  const result = await exec(e2e.cli.bin, args, { cwd: runDir, env, timeoutMs: options.timeoutMs ?? 150_000 });
  const killLog = existsSync(killLogPath) ? await readKillLog(killLogPath) : [];
  return { ...result, runDir, junit, killLogPath, killLog, output: `${result.stdout}\n${result.stderr}` };
}

/** A failure message for expect(): the exit code and the output tail, so a red test explains itself. */
export function describeRun(run: CliRun): string {
  const tail = run.output.trim().split('\n').slice(-40).join('\n');
  return `exit ${run.code}${run.signal ? ` (${run.signal})` : ''}${run.timedOut ? ' TIMED OUT' : ''} after ${run.ms} ms in ${run.runDir}\n${tail}`;
}
