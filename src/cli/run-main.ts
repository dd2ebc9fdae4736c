import type { Cookie } from '../config/schema.js';
import { CookieError } from '../errors.js';
import { createCluster } from '../kube/index.js';
import type { Flags } from './command.js';
import type { CliIo } from './io.js';
import { parseRunFlags, type RunFlags } from './run-options.js';
import { runSession, type Connect } from './run-session.js';
import { selectCookies } from './select-cookies.js';

/** `cookiemonster run`: flags → cookies → cluster → pipeline → reports → exit code. */
export async function runMain(raw: Flags, io: CliIo): Promise<number> {
  const flags = parseRunFlags(raw);
  const cookies = await selectCookies(flags.cookies, flags.cookie, io.cwd);
  requireAnEnd(flags, cookies);
  const connect: Connect = (onRetry) =>
    createCluster({ kubeconfig: flags.kubeconfig, context: flags.context, env: io.env, cwd: io.cwd, onRetry });
  return (await runSession(flags, cookies, connect, io)).exitCode;
}

/** Chaos must end by itself: a verification command, the Rally preset, or a duration. */
function requireAnEnd(flags: RunFlags, cookies: readonly Cookie[]): void {
  if (flags.rally && flags.command.length > 0) {
    throw new CookieError('usage', '--rally runs Rally as the verification: give either --rally or a command after --, not both');
  }
  const cookiesEnd = cookies.every((c) => c.group === 'nodeexec' || c.durationMs > 0);
  if (flags.command.length === 0 && !flags.rally && flags['chaos-duration'] === undefined && !cookiesEnd) {
    throw new CookieError('usage', 'nothing ends the chaos (a cookie has no duration): give a verification command after --, --rally TASK_FILE, or --chaos-duration', {
      hint: 'e.g. `cookiemonster run --max-recovery 60s -- npm test`',
    });
  }
}
