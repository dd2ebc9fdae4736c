import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createLineSplitter } from '../../src/verify/line-splitter.js';
import { createTailBuffer } from '../../src/verify/tail-buffer.js';

function split(chunks: (Buffer | string)[], maxLineChars?: number): string[] {
  const lines: string[] = [];
  const splitter = createLineSplitter((line) => lines.push(line), maxLineChars === undefined ? {} : { maxLineChars });
  for (const chunk of chunks) splitter.push(chunk);
  splitter.end();
  return lines;
}

/** Cuts `bytes` at the given offsets. */
function cut(bytes: Buffer, offsets: number[]): Buffer[] {
  const points = [...new Set(offsets.map((o) => o % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let from = 0;
  for (const point of points) {
    chunks.push(bytes.subarray(from, point));
    from = point;
  }
  chunks.push(bytes.subarray(from));
  return chunks;
}

describe('createLineSplitter', () => {
  it.each([
    ['a\nb\n', ['a', 'b']],
    ['a\r\nb\r\n', ['a', 'b']],
    ['a\nlast', ['a', 'last']],
    ['\n\n', ['', '']],
    ['', []],
    ['lone\rcarriage\n', ['lone\rcarriage']],
    ['ends with cr\r', ['ends with cr']],
  ])('%j → %j', (text, lines) => {
    expect(split([text])).toEqual(lines);
  });

  it('rejoins a line and a CRLF split across chunks', () => {
    expect(split(['par', 'tial\r', '\nnext'])).toEqual(['partial', 'next']);
  });

  it('rejoins a multi-byte character split across chunks', () => {
    const bytes = Buffer.from('€uro\n');
    expect(split([bytes.subarray(0, 1), bytes.subarray(1, 2), bytes.subarray(2)])).toEqual(['€uro']);
  });

  it('cuts a huge line into pieces of maxLineChars', () => {
    expect(split(['abcdefghij\n'], 4)).toEqual(['abcd', 'efgh', 'ij']);
    expect(split(['abcdefgh\n'], 4)).toEqual(['abcd', 'efgh']);
    expect(split(['abcd\r\n'], 4)).toEqual(['abcd']);
  });

  it('gives the same lines however the bytes are chunked', () => {
    const text = fc.string({ unit: fc.constantFrom('a', 'b', '€', '\n', '\r', '\r\n', '🍪'), maxLength: 80 });
    fc.assert(
      fc.property(text, fc.array(fc.nat(400), { maxLength: 12 }), fc.integer({ min: 1, max: 9 }), (value, offsets, max) => {
        const bytes = Buffer.from(value);
        expect(split(cut(bytes, offsets), max)).toEqual(split([bytes], max));
        expect(split(cut(bytes, offsets))).toEqual(split([value]));
      }),
    );
  });

  it('keeps memory bounded: nothing longer than maxLineChars is held or emitted', () => {
    const lines: string[] = [];
    const splitter = createLineSplitter((line) => lines.push(line), { maxLineChars: 10 });
    for (let i = 0; i < 1000; i++) splitter.push('y'.repeat(7));
    expect(lines).toHaveLength(699);
    splitter.end();
    expect(lines).toHaveLength(700);
    expect(lines.every((l) => l.length === 10)).toBe(true);
  });
});

describe('createTailBuffer', () => {
  it('keeps the last lines in order', () => {
    const tail = createTailBuffer(3);
    for (let i = 1; i <= 10; i++) tail.add(`line ${i}`);
    expect(tail.text()).toBe('line 8\nline 9\nline 10');
    expect(tail.total()).toBe(10);
  });

  it('keeps everything when there are fewer lines than the limit', () => {
    const tail = createTailBuffer(3);
    tail.add('one');
    tail.add('two');
    expect(tail.text()).toBe('one\ntwo');
  });

  it('cuts long lines and says how much was left out', () => {
    const tail = createTailBuffer(2, { maxLineChars: 5 });
    tail.add('0123456789');
    expect(tail.text()).toBe('01234… [5 more characters]');
  });

  it('agrees with slicing the full list', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 5 }), { maxLength: 40 }), fc.nat(12), (lines, max) => {
        const tail = createTailBuffer(max);
        for (const line of lines) tail.add(line);
        expect(tail.text()).toBe(max === 0 ? '' : lines.slice(-max).join('\n'));
      }),
    );
  });
});
