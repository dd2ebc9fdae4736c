import type { EntryOf } from './entries.js';

/** "4 run: 3 exited 0, 1 failed; 2 cancelled; 1 dry run", for summaries; a cancelled command is never counted as failed. */
export function describeExecCounts(execs: readonly EntryOf<'exec'>[]): string {
  const ran = execs.filter((e) => !e.dryRun && !e.cancelled);
  const ok = ran.filter((e) => e.exitCode === 0).length;
  const parts = [`${ran.length} run: ${ok} exited 0, ${ran.length - ok} failed`];
  const cancelled = execs.filter((e) => e.cancelled).length;
  const dryRun = execs.filter((e) => e.dryRun).length;
  if (cancelled > 0) parts.push(`${cancelled} cancelled`);
  if (dryRun > 0) parts.push(`${dryRun} dry run (not executed)`);
  return parts.join('; ');
}
