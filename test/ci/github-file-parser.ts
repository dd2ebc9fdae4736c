/**
 * Reads a $GITHUB_OUTPUT file the way the Actions runner does: `name=value` lines, or
 * `name<<DELIM` followed by value lines up to a line equal to DELIM. Throws where the runner would fail the step.
 */
export function parseGithubOutputFile(text: string): Record<string, string> {
  const lines = text.split(/\r?\n/);
  const outputs: Record<string, string> = {};
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i] ?? '';
    if (line === '') continue;
    const heredoc = line.indexOf('<<');
    const equals = line.indexOf('=');
    if (heredoc > 0 && (equals < 0 || heredoc < equals)) {
      const name = line.slice(0, heredoc);
      const delimiter = line.slice(heredoc + 2);
      const value: string[] = [];
      i += 1;
      while (i < lines.length && lines[i] !== delimiter) value.push(lines[i++] ?? '');
      if (i >= lines.length) throw new Error(`matching delimiter not found: ${delimiter}`);
      outputs[name] = value.join('\n');
    } else if (equals > 0) {
      outputs[line.slice(0, equals)] = line.slice(equals + 1);
    } else {
      throw new Error(`invalid format: ${line}`);
    }
  }
  return outputs;
}
