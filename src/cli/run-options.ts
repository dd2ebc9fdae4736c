import { runOptionDeclarations, type OptionValues } from '../options/declarations.js';
import { parseOptions } from '../options/schema.js';
import type { Flags } from './command.js';

/** The validated flags of `run` and `demo` (durations in ms), plus the command after `--`. */
export type RunFlags = OptionValues<typeof runOptionDeclarations> & { command: string[] };

/** The flags that take a list (`--cookie a --cookie b`), read off the declarations, plus the command after `--`. */
const repeatable = new Set(['--', ...Object.entries(runOptionDeclarations).filter(([, d]) => d.value.type === 'list').map(([name]) => name)]);

/** A single-valued flag given twice (a template's default, then the user's own) keeps the last value, like most CLIs. */
function lastValueWins(flags: Flags): Flags {
  return Object.fromEntries(Object.entries(flags).map(([key, value]) => [key, !repeatable.has(key) && Array.isArray(value) ? value.at(-1) : value])) as Flags;
}

/** yargs output → RunFlags, or one usage error listing every bad flag (`--seed: expected a whole number ≥ 0, got NaN`). */
export function parseRunFlags(flags: Flags): RunFlags {
  const values = parseOptions(runOptionDeclarations, lastValueWins(flags), 'flag');
  return { ...values, command: (flags['--'] ?? []).map(String) };
}
