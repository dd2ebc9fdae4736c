import { resolve } from 'node:path';
import { parseDuration } from '../config/duration.js';
import { CookieError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { writeFileAtomic } from '../report/write-atomic.js';
import { createRemote, jobKey, type RemoteJob } from '../server/remote.js';
import { readServerToken } from '../server/token.js';
import type { Flags } from './command.js';
import type { CliIo } from './io.js';

/** The implementations of `start`, `stop` and `status` (declared in commands/client.ts). */

async function remoteFor(flags: Flags, io: CliIo) {
  const token = await readServerToken(flags['token-file'] as string | undefined, io);
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

export async function startMain(flags: Flags, io: CliIo): Promise<number> {
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
}

/** Stops the job, waits for recovery, writes its JUnit and kill log, and exits as `run` would have for it. */
export async function stopMain(flags: Flags, io: CliIo): Promise<number> {
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
}

export async function statusMain(flags: Flags, io: CliIo): Promise<number> {
  const remote = await remoteFor(flags, io);
  const wanted = flags['job'] === undefined ? undefined : jobKey(String(flags['job']));
  const jobs = wanted === undefined ? await remote.jobs() : [await remote.job(wanted)];
  if (flags['json']) io.stdout(`${JSON.stringify(wanted === undefined ? jobs : jobs[0], null, 2)}\n`);
  else if (jobs.length === 0) io.stdout(`no jobs on ${remote.origin}\n`);
  else for (const job of jobs) io.stdout(`${describeJob(job)}\n`);
  return ExitCode.passed;
}
