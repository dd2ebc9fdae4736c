import { resolve } from 'node:path';
import type { Argv } from 'yargs';
import { parseDuration } from '../../config/duration.js';
import { CookieError } from '../../errors.js';
import { ExitCode } from '../../exit-codes.js';
import { writeFileAtomic } from '../../report/write-atomic.js';
import { createRemote, jobKey, type RemoteJob } from '../../server/remote.js';
import type { Command, Flags } from '../command.js';
import type { CliIo } from '../io.js';
import { readToken } from './serve.js';

/** `start`, `stop` and `status` against a running `cookiemonster serve`: a chaos window that spans pipeline stages. */

const serverOptions = (y: Argv): Argv =>
  y
    .option('server', { type: 'string', demandOption: true, describe: 'URL of `cookiemonster serve`, e.g. http://node:30003' })
    .option('token-file', { type: 'string', describe: 'file holding the server token (else $KCM_SERVER_TOKEN)' })
    .option('json', { type: 'boolean', default: false, describe: 'print the job as JSON' });

async function remoteFor(flags: Flags, io: CliIo) {
  const token = await readToken(flags['token-file'] as string | undefined, io);
  return createRemote(String(flags['server']), token);
}

function durationFlag(flags: Flags, name: string): string | undefined {
  const value = flags[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || parseDuration(value) === undefined) {
    throw new CookieError('usage', `--${name}: expected a duration like "10m", got ${JSON.stringify(value)}`);
  }
  return value;
}

function describeJob(job: RemoteJob): string {
  const target = job.cookies.map((c) => `${c.group}/${c.name}: ${c.target}`).join('; ');
  const verdict = job.outcome ? `, ${job.outcome} (exit ${job.exitCode})` : '';
  return `${job.id} ${job.state}${job.dryRun ? ' (dry run)' : ''}: ${target}; kills ${job.kills}, skips ${job.skips}, errors ${job.errors}${verdict}`;
}

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
  run: async (flags, io) => {
    const remote = await remoteFor(flags, io);
    const job = await remote.start({
      cookie: String(flags['cookie']),
      name: flags['name'] as string | undefined,
      dryRun: flags['dry-run'] as boolean | undefined,
      chaosDuration: durationFlag(flags, 'chaos-duration'),
      maxRecovery: durationFlag(flags, 'max-recovery'),
    });
    io.stdout(flags['json'] ? `${JSON.stringify(job, null, 2)}\n` : `started ${describeJob(job)}\n`);
    return ExitCode.passed;
  },
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
  run: async (flags, io) => {
    const remote = await remoteFor(flags, io);
    const key = jobKey(String(flags['job']));
    const timeoutMs = parseDuration(durationFlag(flags, 'timeout') ?? '15m') ?? 900_000;
    const wait = flags['wait'] !== false;
    let job = await remote.stop(key, wait, timeoutMs);
    if (job.state !== 'finished') {
      io.stdout(`stopping ${describeJob(job)}\n`);
      return ExitCode.passed;
    }
    const junit = resolve(io.cwd, String(flags['junit']));
    const killLog = resolve(io.cwd, String(flags['kill-log']));
    await writeFileAtomic(junit, await remote.junit(job.id));
    await writeFileAtomic(killLog, await remote.log(job.id));
    job = await remote.job(job.id);
    if (flags['json']) io.stdout(`${JSON.stringify(job, null, 2)}\n`);
    else {
      io.stdout(`stopped ${describeJob(job)}\n`);
      for (const problem of job.problems) io.stdout(`  ✗ ${problem}\n`);
      io.stdout(`reports: ${String(flags['junit'])}, ${String(flags['kill-log'])}\n`);
    }
    return job.exitCode ?? ExitCode.chaosFailed;
  },
};

export const statusCommand: Command = {
  command: 'status [job]',
  describe: 'Show the jobs of a cookiemonster server, or one job',
  builder: (y) => serverOptions(y).positional('job', { type: 'string', describe: 'killpod/NAME, NAME or a job id (default: all jobs)' }),
  run: async (flags, io) => {
    const remote = await remoteFor(flags, io);
    const wanted = flags['job'] === undefined ? undefined : jobKey(String(flags['job']));
    const jobs = wanted === undefined ? await remote.jobs() : [await remote.job(wanted)];
    if (flags['json']) io.stdout(`${JSON.stringify(wanted === undefined ? jobs : jobs[0], null, 2)}\n`);
    else if (jobs.length === 0) io.stdout(`no jobs on ${remote.origin}\n`);
    else for (const job of jobs) io.stdout(`${describeJob(job)}\n`);
    return ExitCode.passed;
  },
};
