import { configError } from '../config/issues.js';
import { findCookieRoot, loadCookies } from '../config/load.js';
import type { Cookie } from '../config/schema.js';
import { CookieError } from '../errors.js';
import { findCookie } from './cookies-main.js';

/** The cookies a run uses: those named by `--cookie`, else every killpod cookie found. */
export async function selectCookies(dir: string | undefined, names: readonly string[], cwd: string): Promise<Cookie[]> {
  const root = findCookieRoot(dir, cwd);
  if (root === undefined) {
    throw new CookieError('config-invalid', 'no cookies: pass --cookies DIR, or create ./cookies.d/killpod/NAME.json', {
      hint: 'see `cookiemonster cookies --help` and the cookies.d folder shipped with the package',
    });
  }
  const loaded = await loadCookies(root, cwd);
  if (loaded.problems.length > 0) throw configError(loaded.problems);
  const cookies = names.length > 0 ? names.map((name) => findCookie(loaded.cookies, name)) : loaded.cookies.filter((c) => c.group === 'killpod');
  if (cookies.length === 0) throw new CookieError('config-invalid', `no killpod cookie in ${root}`);
  return cookies;
}
