import type { LogEntry } from '../log/entries.js';
import { toJsonLine } from '../log/format.js';

/** The kill log file: one JSON object per entry, each line ending in '\n' ('' for no entries). */
export function toJsonLines(entries: readonly LogEntry[]): string {
  return entries.map((entry) => `${toJsonLine(entry)}\n`).join('');
}
