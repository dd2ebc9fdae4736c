/**
 * Characters a terminal or log viewer acts on instead of showing: C0 controls (ESC, BEL, CR, LF, …), DEL, C1 controls
 * (CSI U+009B, …), bidirectional overrides and the Unicode line separators.
 */
const unprintable = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const named: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** `text` with every control character written as an escape (`\u001b`, `\n`), for any line that quotes input. */
export function printable(text: string): string {
  return text.replace(unprintable, (c) => named[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
