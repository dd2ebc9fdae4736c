import { randomBytes } from 'node:crypto';
import { appendFile, stat } from 'node:fs/promises';
import { CookieError } from '../errors.js';
import { githubOutputHeredoc, isGithubOutputName } from './escape.js';

/** GitHub refuses a step summary above 1 MiB (per step, counting what the step already wrote). */
export const stepSummaryLimitBytes = 1024 * 1024;

/** A fresh random token; injected in tests to prove a colliding delimiter is replaced. */
export type TokenSource = () => string;
export const randomToken: TokenSource = () => randomBytes(16).toString('hex');

/** Appends `markdown` to the summary file, cut at a UTF-8 boundary with a note if the file would exceed the limit. */
export async function appendStepSummary(path: string, markdown: string, limitBytes = stepSummaryLimitBytes): Promise<void> {
  const existing = await sizeOf(path);
  await appendFile(path, fitSummary(markdown, limitBytes - existing), 'utf8');
}

export function fitSummary(markdown: string, budgetBytes: number): string {
  const text = markdown.endsWith('\n') ? markdown : `${markdown}\n`;
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= budgetBytes) return text;
  const note = `\n\n_Summary cut: ${bytes.length} bytes do not fit GitHub's ${stepSummaryLimitBytes}-byte step-summary limit; see the kill log artifact._\n`;
  let cut = Math.max(0, budgetBytes - Buffer.byteLength(note));
  while (cut > 0 && ((bytes[cut] ?? 0) & 0xc0) === 0x80) cut -= 1;
  const kept = bytes.subarray(0, cut).toString('utf8') + note;
  return Buffer.byteLength(kept) <= budgetBytes ? kept : '';
}

/** Every output in heredoc form, each with a delimiter that occurs nowhere in its value. */
export function formatOutputs(outputs: Record<string, string>, token: TokenSource = randomToken): string {
  return Object.entries(outputs)
    .map(([name, value]) => {
      if (!isGithubOutputName(name)) {
        throw new CookieError('internal', `GitHub output name ${JSON.stringify(name)} is invalid: expected letters, digits, "_" or "-", starting with a letter or "_"`);
      }
      return githubOutputHeredoc(name, value, pickDelimiter(value, token));
    })
    .join('');
}

function pickDelimiter(value: string, token: TokenSource): string {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const delimiter = `kcm_${token()}`;
    if (!value.includes(delimiter)) return delimiter;
  }
  throw new CookieError('internal', 'could not pick a $GITHUB_OUTPUT delimiter absent from the value after 100 tries');
}

async function sizeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
}
