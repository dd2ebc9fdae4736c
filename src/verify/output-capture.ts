import type { Readable } from 'node:stream';
import type { OutputStream } from './command-spec.js';
import { createLineSplitter } from './line-splitter.js';
import { createTailBuffer } from './tail-buffer.js';

export interface OutputCapture {
  /** Resolves once both streams have closed and their last lines were delivered. */
  closed: Promise<void>;
  /** Stops reading (a grandchild may hold the pipes open long after the command exited). */
  destroy(): void;
  tail(stream: OutputStream): string;
}

/** Reads a child's stdout and stderr line by line: every line goes to `onLine`, the last `tailLines` are kept. */
export function captureOutput(
  streams: Record<OutputStream, Readable | null>,
  { tailLines, onLine }: { tailLines: number; onLine: ((stream: OutputStream, line: string) => void) | undefined },
): OutputCapture {
  const tails = { stdout: createTailBuffer(tailLines), stderr: createTailBuffer(tailLines) };
  const watch = (name: OutputStream): Promise<void> => {
    const stream = streams[name];
    if (!stream) return Promise.resolve();
    const splitter = createLineSplitter((line) => {
      tails[name].add(line);
      try {
        onLine?.(name, line);
      } catch {
        // A faulty listener must not break the capture or the run.
      }
    });
    stream.on('data', (chunk: Buffer) => splitter.push(chunk));
    return new Promise((resolve) => {
      stream.once('close', () => {
        splitter.end();
        resolve();
      });
      stream.on('error', () => undefined);
    });
  };
  const closed = Promise.all([watch('stdout'), watch('stderr')]).then(() => undefined);
  return {
    closed,
    destroy() {
      streams.stdout?.destroy();
      streams.stderr?.destroy();
    },
    tail: (name) => tails[name].text(),
  };
}
