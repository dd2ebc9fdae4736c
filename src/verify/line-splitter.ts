import { StringDecoder } from 'node:string_decoder';

export interface LineSplitter {
  /** Feeds a chunk of output; complete lines are emitted at once. */
  push(chunk: Buffer | string): void;
  /** Emits whatever is left (a final line without a newline). */
  end(): void;
}

/**
 * Turns a byte stream into lines: UTF-8 characters split across chunks are rejoined, `\r\n` counts as one line end,
 * and a line longer than `maxLineChars` is emitted in pieces of that size so memory stays bounded.
 */
export function createLineSplitter(onLine: (line: string) => void, { maxLineChars = 65_536 } = {}): LineSplitter {
  const decoder = new StringDecoder('utf8');
  let pending = '';

  const emit = (raw: string): void => {
    let line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    for (; line.length > maxLineChars; line = line.slice(maxLineChars)) onLine(line.slice(0, maxLineChars));
    onLine(line);
  };
  const carriedCr = (): number => (pending.endsWith('\r') ? 1 : 0);

  const drain = (): void => {
    let start = 0;
    for (let newline = pending.indexOf('\n'); newline !== -1; newline = pending.indexOf('\n', start)) {
      emit(pending.slice(start, newline));
      start = newline + 1;
    }
    pending = pending.slice(start);
    // A trailing '\r' is not counted: its '\n' may arrive in the next chunk.
    while (pending.length - carriedCr() > maxLineChars) {
      onLine(pending.slice(0, maxLineChars));
      pending = pending.slice(maxLineChars);
    }
  };

  return {
    push(chunk) {
      pending += typeof chunk === 'string' ? chunk : decoder.write(chunk);
      drain();
    },
    end() {
      pending += decoder.end();
      drain();
      if (pending.length > 0) emit(pending);
      pending = '';
    },
  };
}
