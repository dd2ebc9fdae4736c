import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { describeCount } from '../config/fields.js';
import { formatDuration } from '../config/duration.js';
import { findCookie } from '../config/catalog.js';
import { findCookieRoot, loadCookies } from '../config/load.js';
import type { Cookie } from '../config/schema.js';
import { describeCookieTarget } from '../core/cookie-target.js';
import { CookieError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import type { Flags } from './command.js';
import type { CliIo } from './io.js';

/** `cookies list | show | validate`. */
export async function cookiesMain(flags: Flags, io: CliIo): Promise<number> {
  const action = flags['action'];
  if (action !== 'list' && action !== 'show' && action !== 'validate') {
    throw new CookieError('usage', `cookies: expected an action "list", "show" or "validate", got ${JSON.stringify(action)}`);
  }
  const paths = (flags['paths'] as string[] | undefined) ?? [];
  if (action === 'validate') return validate(paths, flags, io);
  const root = findCookieRoot(flags['cookies'] as string | undefined, io.cwd);
  if (root === undefined) throw noCookieDirectory();
  const loaded = await loadCookies(root, io.cwd);
  if (loaded.problems.length > 0) throw new CookieError('config-invalid', loaded.problems[0] ?? '', { details: { problems: loaded.problems } });
  if (action === 'list') {
    for (const cookie of loaded.cookies) io.stdout(`${cookie.group}/${cookie.name}\t${describeCookie(cookie)}\n`);
    return ExitCode.passed;
  }
  const wanted = paths[0];
  if (!wanted) throw new CookieError('usage', 'cookies show: name a cookie, e.g. `cookies show killpod/openstack-random-deployment`');
  const cookie = findCookie(loaded.cookies, wanted);
  io.stdout(`# ${cookie.source}\n${await readFile(resolve(io.cwd, cookie.source), 'utf8')}`);
  io.stdout(`# as loaded: ${describeCookie(cookie)}\n`);
  return ExitCode.passed;
}

async function validate(paths: string[], flags: Flags, io: CliIo): Promise<number> {
  const roots = paths.length > 0 ? paths.map((p) => resolve(io.cwd, p)) : [findCookieRoot(flags['cookies'] as string | undefined, io.cwd)];
  let count = 0;
  const problems: string[] = [];
  for (const root of roots) {
    if (root === undefined) throw noCookieDirectory();
    const loaded = await loadCookies(root, io.cwd);
    count += loaded.cookies.length;
    problems.push(...loaded.problems);
  }
  if (problems.length > 0) throw new CookieError('config-invalid', problems[0] ?? '', { details: { problems } });
  io.stdout(`${count} cookie${count === 1 ? '' : 's'} valid\n`);
  return ExitCode.passed;
}

function noCookieDirectory(): CookieError {
  return new CookieError('config-invalid', 'no cookie directory: pass a path or --cookies DIR, or create ./cookies.d (or /etc/cookies.d)', {
    hint: 'a cookie is cookies.d/killpod/NAME.json, e.g. {"name": "", "kind": "deployment", "namespace": "openstack", "interval": 30}',
  });
}

/** `group/name` or a bare `name`, which must then be unambiguous. */
export function describeCookie(cookie: Cookie): string {
  if (cookie.group === 'nodeexec') return `run ${cookie.commands.map((c) => c.command).join(', ')} on ${describeCookieTarget(cookie)}`;
  const until = cookie.durationMs > 0 ? `for ${formatDuration(cookie.durationMs)}` : 'until stopped';
  return `kill ${describeCookieTarget(cookie)} every ${formatDuration(cookie.intervalMs)} ${until}`;
}
