import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { LogEntry } from '../../src/log/entries.js';

export const binPath = resolve('dist/bin.js');
export const fixture = (name: string): string => resolve('test/fixtures/verify', name);

export interface CliRun {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  dir: string;
  junit: () => string;
  entries: () => LogEntry[];
}

/** A scratch directory with a kubeconfig and a cookies.d holding `cookies` (name → JSON). */
export function workspace(kubeconfigYaml: string | undefined, cookies: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'kcm-cli-'));
  if (kubeconfigYaml) writeFileSync(join(dir, 'kubeconfig'), kubeconfigYaml);
  mkdirSync(join(dir, 'cookies.d', 'killpod'), { recursive: true });
  for (const [name, cookie] of Object.entries(cookies)) {
    writeFileSync(join(dir, 'cookies.d', 'killpod', `${name}.json`), JSON.stringify(cookie));
  }
  return dir;
}

/** Runs the built CLI as a child process, as CI would; `onStdout` may signal it mid-run. */
export function runCli(
  dir: string,
  args: string[],
  options: {
    env?: Record<string, string>;
    onStdout?: (text: string, kill: (signal: NodeJS.Signals) => void) => void;
    /** Gets the child's kill function at once, for tests that signal it on an event of their own. */
    onSpawn?: (kill: (signal: NodeJS.Signals) => void) => void;
    timeoutMs?: number;
  } = {},
): Promise<CliRun> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [binPath, ...args], {
      cwd: dir,
      env: { PATH: process.env['PATH'] ?? '', HOME: dir, NO_COLOR: '1', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    options.onSpawn?.((signal) => child.kill(signal));
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      options.onStdout?.(stdout, (signal) => child.kill(signal));
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (exitCode, signal) => {
      clearTimeout(timer);
      resolvePromise({
        exitCode,
        signal,
        stdout,
        stderr,
        dir,
        junit: () => readFileSync(join(dir, 'reports', 'cookiemonster-junit.xml'), 'utf8'),
        entries: () =>
          readFileSync(join(dir, 'reports', 'cookiemonster-kills.jsonl'), 'utf8')
            .trim()
            .split('\n')
            .map((line) => JSON.parse(line) as LogEntry),
      });
    });
  });
}
