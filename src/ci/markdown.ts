/** Just enough GitHub-flavoured Markdown to render reports safely from untrusted text (pod names, command output). */

/** Text for a table cell or a paragraph: no HTML, no emphasis or links, no column breaks, one line. */
export function mdText(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]|#~!])/g, '\\$1')
    .replace(/\r\n|\r|\n/g, ' ');
}

/** A fenced block that no line of `text` can close: the fence is longer than any backtick run inside. */
export function mdFence(text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}text\n${text.replace(/\s+$/, '')}\n${fence}`;
}

/** A table whose cells are already Markdown (pass them through `mdText`). */
export function mdTable(header: string[], rows: string[][]): string {
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** Collapsible block; GitHub renders Markdown inside when a blank line follows `<summary>`. */
export function mdDetails(summary: string, body: string): string {
  return `<details><summary>${summary}</summary>\n\n${body}\n\n</details>`;
}
