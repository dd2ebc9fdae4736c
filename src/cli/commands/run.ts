import type { Cookie } from '../../config/schema.js';
import { CookieError } from '../../errors.js';
import { createCluster } from '../../kube/index.js';
import type { Command } from '../command.js';
import { declareRunFlags } from '../run-flags.js';
import { parseRunFlags, type RunFlags } from '../run-options.js';
import { runSession } from '../run-session.js';
import { selectCookies } from '../select-cookies.js';

export const runCommand: Command = {
  command: 'run',
  describe: 'Deploy check, cookies in the background, your verification command, recovery, JUnit XML — one CI step',
  builder: (y) =>
    declareRunFlags(y)
      .usage('$0 run [options] -- <verification command and args>')
      .example('$0 run --cookie openstack-random-deployment --max-recovery 60s -- npm test', 'kill pods while the tests run')
      .example('$0 run --rally task.yaml --helm-release openstack/openstack', 'the Rally preset after a Helm deploy check')
      .example('$0 run --dry-run --seed 42 --chaos-duration 2m', 'show which pods would die, delete nothing'),
  run: async (raw, io) => {
    const flags = parseRunFlags(raw);
    const cookies = await selectCookies(flags.cookies, flags.cookie, io.cwd);
    requireAnEnd(flags, cookies);
    const cluster = await createCluster({ kubeconfig: flags.kubeconfig, context: flags.context, env: io.env, cwd: io.cwd });
    return (await runSession(flags, cookies, cluster, io)).exitCode;
  },
};

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
