import type { Argv } from 'yargs';
import type { Command } from '../command.js';

/**
 * `start`, `stop` and `status` against a running `cookiemonster serve`: a chaos window that spans pipeline stages.
 * Flags only: the HTTP client and the report writing are imported when the command runs.
 */

const serverOptions = (y: Argv): Argv =>
  y
    .option('server', { type: 'string', demandOption: true, describe: 'URL of `cookiemonster serve`, e.g. http://node:30003' })
    .option('token-file', { type: 'string', describe: 'file holding the server token (else $KCM_SERVER_TOKEN)' })
    .option('json', { type: 'boolean', default: false, describe: 'print the job as JSON' });

export const startCommand: Command = {
  command: 'start <cookie>',
  describe: 'Start a cookie on a cookiemonster server (killpod/NAME, nodeexec/NAME or NAME)',
  builder: (y) =>
    serverOptions(y)
      .positional('cookie', { type: 'string', describe: 'killpod/NAME, nodeexec/NAME or NAME' })
      .option('name', { type: 'string', describe: 'job name (default: the cookie name)' })
      .option('dry-run', { type: 'boolean', describe: 'delete nothing' })
      .option('chaos-duration', { type: 'string', describe: 'the server stops the job after this long' })
      .option('max-recovery', { type: 'string', describe: 'recovery SLO per kill; `stop` exits 4 when breached' })
      .example('$0 start --server http://node:30003 killpod/openstack-random-deployment', 'begin a chaos window'),
  run: async (flags, io) => (await import('../client-main.js')).startMain(flags, io),
};

export const stopCommand: Command = {
  command: 'stop <job>',
  describe: 'Stop a job on a cookiemonster server, wait for recovery, write its JUnit and kill log; exit code as `run`',
  builder: (y) =>
    serverOptions(y)
      .positional('job', { type: 'string', describe: 'killpod/NAME, NAME or a job id' })
      .option('junit', { type: 'string', default: 'reports/cookiemonster-junit.xml', describe: 'JUnit XML output' })
      .option('kill-log', { type: 'string', default: 'reports/cookiemonster-kills.jsonl', describe: 'JSON-lines kill log output' })
      .option('wait', { type: 'boolean', default: true, describe: 'wait until recovery is measured (--no-wait: just stop)' })
      .option('timeout', { type: 'string', default: '15m', describe: 'how long to wait for the server' })
      .example('$0 stop --server http://node:30003 killpod/openstack-random-deployment', 'end the window, write reports/…'),
  run: async (flags, io) => (await import('../client-main.js')).stopMain(flags, io),
};

export const statusCommand: Command = {
  command: 'status [job]',
  describe: 'Show the jobs of a cookiemonster server, or one job',
  builder: (y) => serverOptions(y).positional('job', { type: 'string', describe: 'killpod/NAME, NAME or a job id (default: all jobs)' }),
  run: async (flags, io) => (await import('../client-main.js')).statusMain(flags, io),
};
