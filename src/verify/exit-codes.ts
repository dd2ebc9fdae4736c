import { constants } from 'node:os';

/** What common signals mean to someone reading a CI log. */
const signalMeanings: Readonly<Record<string, string>> = {
  SIGHUP: 'hangup',
  SIGINT: 'interrupted',
  SIGQUIT: 'quit',
  SIGILL: 'illegal instruction',
  SIGABRT: 'aborted',
  SIGBUS: 'bus error',
  SIGFPE: 'arithmetic error',
  SIGKILL: 'killed, e.g. by the out-of-memory killer',
  SIGSEGV: 'segmentation fault',
  SIGPIPE: 'broken pipe',
  SIGALRM: 'alarm',
  SIGTERM: 'terminated',
};

/** Exit codes with a conventional meaning (POSIX shells, coreutils `timeout`). */
const exitMeanings: Readonly<Record<number, string>> = {
  124: 'timed out, per coreutils `timeout`',
  125: 'the command could not be run',
  126: 'not executable, or permission denied',
  127: 'command not found',
};

/** "killed, e.g. by the out-of-memory killer" for SIGKILL; undefined for a signal without a known meaning. */
export function describeSignal(signal: string): string | undefined {
  return signalMeanings[signal];
}

/** The signal name behind a shell's 128+N exit code, e.g. 137 → SIGKILL. */
export function signalOfExitCode(exitCode: number): string | undefined {
  if (exitCode <= 128 || exitCode > 128 + 64) return undefined;
  const number = exitCode - 128;
  return Object.entries(constants.signals).find(([, value]) => value === number)?.[0];
}

/** A short explanation of an exit code ("command not found", "SIGKILL: killed, …"), or undefined for a plain failure. */
export function describeExitCode(exitCode: number): string | undefined {
  const known = exitMeanings[exitCode];
  if (known) return known;
  const signal = signalOfExitCode(exitCode);
  if (!signal) return undefined;
  const meaning = describeSignal(signal);
  return meaning ? `${signal}: ${meaning}` : signal;
}
