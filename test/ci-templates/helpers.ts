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

/** Our own CLI parser, once src/cli has a `run` command; undefined (with the reason) until then. */
export async function loadCliParser(): Promise<
  | { parse: (argv: string[]) => Promise<{ command: string; flags: Record<string, unknown> }>; validateRun: (flags: Record<string, unknown>) => unknown; reason: undefined }
  | { parse: undefined; validateRun: undefined; reason: string }
> {
  try {
    type Parsed = { command: string; flags?: Record<string, unknown>; options?: Record<string, unknown> };
    const main = (await import('../../src/cli/main.js')) as { parseCommandLine?: (argv: string[]) => Promise<Parsed> };
    const options = (await import('../../src/cli/run-options.js')) as { parseRunFlags?: (flags: never) => unknown };
    const { parseCommandLine } = main;
    const { parseRunFlags } = options;
    if (!parseCommandLine || !parseRunFlags) return { parse: undefined, validateRun: undefined, reason: 'src/cli does not export parseCommandLine/parseRunFlags yet' };
    const { commands } = (await import('../../src/cli/commands/index.js')) as { commands: { command: string | string[] }[] };
    const names = commands.flatMap((c) => [c.command].flat().map((n) => n.split(' ')[0]));
    if (!names.includes('run')) return { parse: undefined, validateRun: undefined, reason: 'the `run` command is not registered in src/cli/commands yet' };
    // cli-spec.md names the parsed flags `options`; src/cli/main.ts returns them as `flags`: accept either.
    const parse = async (argv: string[]) => {
      const parsed = await parseCommandLine(argv);
      return { command: parsed.command, flags: parsed.flags ?? parsed.options ?? {} };
    };
    return { parse, validateRun: (flags) => parseRunFlags(flags as never), reason: undefined };
  } catch (error) {
    return { parse: undefined, validateRun: undefined, reason: `src/cli does not load yet: ${(error as Error).message.split('\n')[0]}` };
  }
}

export const distReason = existsSync(distBin) ? undefined : 'dist/bin.js is missing: run `npm run build` first';
