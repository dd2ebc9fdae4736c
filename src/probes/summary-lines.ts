import { entriesOf, type LogEntry } from '../log/entries.js';
import { describeImpact } from './impact.js';

/** One line per probe phase and one per kill that hurt a probe, for the end-of-run summaries. */
export function probeSummaryLines(entries: readonly LogEntry[]): string[] {
  const lines = entriesOf(entries, 'probe-end').map(
    (e) => `probe ${e.probe} (${e.phase}): ${e.samples} ${e.samples === 1 ? 'sample' : 'samples'}, ${e.failures} failed${e.breached ? ` — BREACHED (${e.tolerance})` : ''}`,
  );
  for (const abort of entriesOf(entries, 'chaos-abort')) lines.push(`chaos aborted: ${abort.reason}`);
  for (const impact of entriesOf(entries, 'probe-impact')) lines.push(describeImpact(impact));
  return lines;
}
