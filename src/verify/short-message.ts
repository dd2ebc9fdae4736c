import { formatDuration } from '../config/duration.js';
import { describeExitCode, describeSignal } from './exit-codes.js';

export interface Ending {
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  timeoutMs: number | undefined;
  cancelled: boolean;
  /** SIGKILL had to follow SIGTERM after the grace period. */
  escalated: boolean;
  killAfterMs: number;
  /** Set when the command could not be started at all. */
  startFailure: string | undefined;
}

/** One line saying how the command ended, by precedence: timed out › cancelled › start failure › signal › exit code. */
export function describeEnding(end: Ending): string {
  const forced = end.escalated ? `; still running ${formatDuration(end.killAfterMs)} after SIGTERM, so it got SIGKILL` : '';
  if (end.timedOut) return `timed out after ${formatDuration(end.timeoutMs ?? 0)}${forced}`;
  if (end.cancelled) return `cancelled${forced}`;
  if (end.startFailure) return end.startFailure;
  if (end.signal) {
    const meaning = describeSignal(end.signal);
    return `killed by ${end.signal}${meaning ? ` (${meaning})` : ''}`;
  }
  if (end.exitCode === 0) return 'passed';
  if (end.exitCode === null) return 'ended without an exit code';
  const meaning = describeExitCode(end.exitCode);
  return `exited with code ${end.exitCode}${meaning ? ` (${meaning})` : ''}`;
}
