import { CookieError } from '../errors.js';

export type OutputStream = 'stdout' | 'stderr';

/** What to run and how; see `runCommand`. */
export interface CommandSpec {
  /** The program and its arguments; with `shell`, a single shell command string run by `/bin/sh -c`. */
  argv: string[];
  shell?: boolean;
  cwd?: string;
  /** The child's whole environment (not merged); default: this process's environment. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Terminate the command's process group after this long. */
  timeoutMs?: number;
  /** Grace between SIGTERM and SIGKILL (default 10 s). */
  killAfterMs?: number;
  /** Called for every line of output, as it arrives; an exception it throws is ignored. */
  onLine?: (stream: OutputStream, line: string) => void;
  /** How many lines of each stream the result keeps (default 50). */
  tailLines?: number;
}

export interface NormalizedSpec {
  file: string;
  args: string[];
  argv: string[];
  shell: boolean;
  cwd: string | undefined;
  env: Record<string, string> | undefined;
  timeoutMs: number | undefined;
  killAfterMs: number;
  tailLines: number;
  onLine: ((stream: OutputStream, line: string) => void) | undefined;
}

const shown = (value: unknown): string => {
  const text = typeof value === 'string' ? JSON.stringify(value) : Array.isArray(value) ? JSON.stringify(value) : String(value);
  return `${text} (${Array.isArray(value) ? 'array' : typeof value})`;
};

const invalid = (field: string, wanted: string, value: unknown): CookieError =>
  new CookieError('usage', `runCommand: expected \`${field}\` to be ${wanted}, got ${shown(value)}`, { details: { field } });

function milliseconds(field: string, value: unknown, min: number): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
    throw invalid(field, min > 0 ? 'a positive number of milliseconds' : 'a number of milliseconds ≥ 0', value);
  }
  return value;
}

/** Checks every option and fills in the defaults; a bad option throws a usage error naming it. */
export function normalizeSpec(spec: CommandSpec): NormalizedSpec {
  const argv: unknown = spec.argv;
  if (!Array.isArray(argv) || argv.length === 0 || argv.some((a) => typeof a !== 'string') || argv[0] === '') {
    throw invalid('argv', 'a non-empty array of strings', argv);
  }
  const shell = spec.shell ?? false;
  if (shell && argv.length !== 1) throw invalid('argv', 'one shell command string when `shell` is true', argv);
  const tailLines = spec.tailLines ?? 50;
  if (!Number.isInteger(tailLines) || tailLines < 0) throw invalid('tailLines', 'a whole number ≥ 0', tailLines);
  if (spec.cwd !== undefined && (typeof spec.cwd !== 'string' || spec.cwd === '')) throw invalid('cwd', 'a directory path', spec.cwd);
  const strings = argv as string[];
  const env = spec.env && Object.fromEntries(Object.entries(spec.env).filter((e): e is [string, string] => typeof e[1] === 'string'));
  return {
    file: shell ? '/bin/sh' : (strings[0] as string),
    args: shell ? ['-c', strings[0] as string] : strings.slice(1),
    argv: [...strings],
    shell,
    cwd: spec.cwd,
    env,
    timeoutMs: milliseconds('timeoutMs', spec.timeoutMs, 1),
    killAfterMs: milliseconds('killAfterMs', spec.killAfterMs, 0) ?? 10_000,
    tailLines,
    onLine: spec.onLine,
  };
}
