import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { CookieError } from '../errors.js';

/**
 * The bearer token of `serve` and of its clients: --token-file wins over $KCM_SERVER_TOKEN. An empty token is refused
 * rather than silently disabling auth, and no message ever contains the token.
 */
export async function readServerToken(file: string | undefined, where: { env: Readonly<Record<string, string | undefined>>; cwd: string }): Promise<string | undefined> {
  if (file !== undefined) {
    let text: string;
    try {
      text = await readFile(resolve(where.cwd, file), 'utf8');
    } catch (error) {
      throw new CookieError('usage', `--token-file ${file}: cannot read the file (${(error as { code?: string }).code ?? 'unreadable'})`);
    }
    const token = text.trim();
    if (!token) throw new CookieError('usage', `--token-file ${file}: expected a token, found an empty file`);
    return token;
  }
  const raw = where.env['KCM_SERVER_TOKEN'];
  const fromEnv = raw?.trim();
  if (raw !== undefined && !fromEnv) throw new CookieError('usage', '$KCM_SERVER_TOKEN: expected a token, found an empty value');
  return fromEnv;
}
