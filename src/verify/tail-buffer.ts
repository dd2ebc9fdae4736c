/** The last `maxLines` lines of a stream, each cut to `maxLineChars`, so a tail stays small whatever the command prints. */
export interface TailBuffer {
  add(line: string): void;
  /** The kept lines joined with '\n' (no trailing newline). */
  text(): string;
  /** Every line ever added, kept or not. */
  total(): number;
}

export function createTailBuffer(maxLines: number, { maxLineChars = 4096 } = {}): TailBuffer {
  const lines: string[] = [];
  let next = 0;
  let total = 0;
  return {
    add(line) {
      total++;
      if (maxLines <= 0) return;
      const kept = line.length > maxLineChars ? `${line.slice(0, maxLineChars)}… [${line.length - maxLineChars} more characters]` : line;
      if (lines.length < maxLines) lines.push(kept);
      else lines[next] = kept;
      next = (next + 1) % maxLines;
    },
    text() {
      if (lines.length < maxLines) return lines.join('\n');
      return [...lines.slice(next), ...lines.slice(0, next)].join('\n');
    },
    total: () => total,
  };
}
