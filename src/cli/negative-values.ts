/** `-1s`, `-30`, `-.5m`: a negative number or duration, which yargs would read as the short options `-1` and `-s`. */
const negativeValue = /^-\.?\d/;

/**
 * Joins `--flag -1s` into `--flag=-1s`, so the value reaches the flag's own validation, which names the flag and what
 * it expects, instead of yargs' "Unknown arguments: 1, s". Everything after `--` is the verification command's and
 * is left alone.
 */
export function joinNegativeValues(argv: readonly string[]): string[] {
  const joined: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') return [...joined, ...argv.slice(i)];
    const next = argv[i + 1];
    if (/^--[^=]+$/.test(arg) && next !== undefined && negativeValue.test(next)) {
      joined.push(`${arg}=${next}`);
      i++;
    } else joined.push(arg);
  }
  return joined;
}
