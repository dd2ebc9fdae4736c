import { mkdirSync, createWriteStream } from 'node:fs';
import { dirname } from 'node:path';
import type { KillLog } from '../log/entries.js';
import { toJsonLine } from '../log/format.js';

/** Appends every entry of `log` to `path` as JSON lines while the job runs; `close()` flushes. */
export function writeKillLogFile(path: string, log: KillLog, onError: (message: string) => void): { close(): Promise<void> } {
  mkdirSync(dirname(path), { recursive: true });
  const stream = createWriteStream(path, { flags: 'a' });
  let failed = false;
  stream.on('error', (error) => {
    if (!failed) onError(`kill log ${path}: ${error.message}`);
    failed = true;
  });
  for (const entry of log.entries()) stream.write(`${toJsonLine(entry)}\n`);
  const unsubscribe = log.subscribe((entry) => {
    if (!failed) stream.write(`${toJsonLine(entry)}\n`);
  });
  return {
    close: () =>
      new Promise<void>((resolve) => {
        unsubscribe();
        if (failed || stream.destroyed) return resolve();
        stream.end(() => resolve());
      }),
  };
}
