import type { Command } from '../command.js';

/** Flags only: loading and validating (zod, yaml) is imported when the command runs. */
export const cookiesCommand: Command = {
  command: 'cookies <action> [paths..]',
  describe: 'List, show or validate cookie definitions (cookies.d/<group>/<name>.json or config.yaml)',
  builder: (y) =>
    y
      .positional('action', { type: 'string', describe: 'list | show | validate' })
      .positional('paths', { type: 'string', array: true, describe: 'show: a cookie name; validate: files or directories' })
      .option('cookies', { type: 'string', describe: 'cookie directory (else ./cookies.d, then /etc/cookies.d)' })
      .example('$0 cookies list', 'every cookie found, one per line')
      .example('$0 cookies show killpod/openstack-random-deployment', 'one cookie, as loaded')
      .example('$0 cookies validate cookies.d', 'check files; one line per problem, exit 2 if any'),
  run: async (flags, io) => (await import('../cookies-main.js')).cookiesMain(flags, io),
};
