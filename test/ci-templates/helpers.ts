import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const repoRoot = resolve(import.meta.dirname, '../..');
export const templatesDir = join(repoRoot, 'ci-templates');
export const distBin = join(repoRoot, 'dist/bin.js');
export const packageVersion = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;

export const readTemplate = (path: string): string => readFileSync(join(templatesDir, path), 'utf8');

export interface Exec {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs a program without a shell, never throwing on a non-zero exit. */
export function run(file: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<Exec> {
  const started = Date.now();
  return new Promise((done) => {
    execFile(file, args, { cwd: options.cwd, env: options.env, timeout: options.timeoutMs ?? 60_000, maxBuffer: 32 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      done({ code, stdout, stderr, ms: Date.now() - started });
    });
  });
}

export async function scratchDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `kcm-${prefix}-`));
}

/**
 * A fake `npx` on PATH: records its argv (NUL-separated) in $KCM_STUB_ARGS, writes a JUnit file where asked
 * ($KCM_STUB_JUNIT), appends $KCM_STUB_OUTPUTS to $GITHUB_OUTPUT, and exits with $KCM_STUB_EXIT. It stands in for npm, so the templates' own shell is what runs.
 */
export async function stubNpx(dir: string): Promise<string> {
  const bin = join(dir, 'stub-bin');
  await mkdir(bin, { recursive: true });
  const script = [
    '#!/bin/sh',
    'for arg in "$@"; do printf \'%s\\0\' "$arg"; done > "$KCM_STUB_ARGS"',
    'if [ -n "$KCM_STUB_JUNIT" ]; then mkdir -p "$(dirname "$KCM_STUB_JUNIT")"; echo "<testsuites/>" > "$KCM_STUB_JUNIT"; fi',
    'if [ -n "$KCM_STUB_OUTPUTS" ]; then printf \'%s\\n\' "$KCM_STUB_OUTPUTS" >> "$GITHUB_OUTPUT"; fi',
    'exit "${KCM_STUB_EXIT:-0}"',
    '',
  ].join('\n');
  await writeFile(join(bin, 'npx'), script);
  await chmod(join(bin, 'npx'), 0o755);
  return bin;
}

export function readArgs(path: string): string[] {
  const text = readFileSync(path, 'utf8');
  return text === '' ? [] : text.slice(0, -1).split('\0');
}

/** Splits a recorded npx argv into npx's own flags, the package spec and the cookiemonster argv. */
export function splitNpxArgs(argv: string[]): { npxFlags: string[]; packageSpec: string; cli: string[] } {
  const index = argv.findIndex((arg) => !arg.startsWith('-'));
  if (index < 0) throw new Error(`no package spec in npx ${argv.join(' ')}`);
  return { npxFlags: argv.slice(0, index), packageSpec: argv[index] ?? '', cli: argv.slice(index + 1) };
}

/** Our own CLI parser and run-flag validation: a template line must parse exactly as a user's command line would. */
export async function loadCliParser(): Promise<{
  parse: (argv: string[]) => Promise<{ command: string; flags: Record<string, unknown> }>;
  validateRun: (flags: Record<string, unknown>) => unknown;
}> {
  const { parseCommandLine } = await import('../../src/cli/main.js');
  const { parseRunFlags } = await import('../../src/cli/run-options.js');
  return {
    parse: async (argv) => {
      const parsed = await parseCommandLine(argv);
      return { command: parsed.command, flags: parsed.flags };
    },
    validateRun: (flags) => parseRunFlags(flags as never),
  };
}

/** Fails (instead of skipping) when the CLI has not been built: `npm test` builds it first. */
export function requireDistBin(): void {
  if (!existsSync(distBin)) throw new Error('dist/bin.js is missing: run `npm run build` first (npm test does)');
}
