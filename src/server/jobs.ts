import { join } from 'node:path';
import type { Cookie } from '../config/schema.js';
import type { NodeExecRunner } from '../core/chaos.js';
import type { Clock } from '../core/clock.js';
import type { BiteOptions } from '../core/cookies/context.js';
import { createAvailabilityLedger } from '../core/ledger.js';
import { startRun } from '../core/pipeline.js';
import { defaults } from '../options/defaults.js';
import { probeSetFor, type ProbeSpec } from '../probes/index.js';
import { seededRng, type Rng } from '../core/rng.js';
import { describeError } from '../errors.js';
import type { Cluster } from '../kube/types.js';
import { createKillLog, type KillLog, type LogEntry } from '../log/entries.js';
import { attachNotifications, type NotificationSettings } from '../notify/index.js';
import type { Job, JobSource } from './job.js';
import { writeKillLogFile } from './kill-log-file.js';

export type { Job, JobSource } from './job.js';

export interface StartRequest {
  name: string;
  group: 'killpod' | 'nodeexec';
  cookies: Cookie[];
  source: JobSource;
  dryRun?: boolean | undefined;
  chaosDurationMs?: number | undefined;
  maxRecoveryMs?: number | undefined;
}

export interface JobSettings {
  cluster: Cluster;
  clock: Clock;
  rng: Rng;
  bite: BiteOptions;
  nodeExec?: NodeExecRunner | undefined;
  /** Probes every job runs; a breach of one with `abort: true` ends the job's chaos (endReason "aborted"). */
  probes?: readonly ProbeSpec[] | undefined;
  /** Where relative probe files (CA, commands) are resolved. */
  cwd?: string | undefined;
  /** How long to keep measuring recovery after a job stops. */
  recoveryTimeoutMs: number;
  recoveryPollMs?: number | undefined;
  maxRecoveryMs?: number | undefined;
  notifications?: NotificationSettings | undefined;
  /** Each job's kill log is also appended to DIR/<job id>.jsonl. */
  killLogDir?: string | undefined;
  /** Finished jobs kept for status, log and JUnit; the oldest are forgotten first. Default 200. */
  historyLimit?: number | undefined;
  onEntry?: ((job: Job, entry: LogEntry) => void) | undefined;
  onProblem?: ((message: string) => void) | undefined;
}

export function createJobRegistry(settings: JobSettings) {
  const { cluster, clock } = settings;
  const jobs: Job[] = [];
  const shutdown = new AbortController();
  const stoppers = new Map<Job, () => Promise<void>>();
  // One for the whole server: jobs running at once never take a workload below its floor together.
  const ledger = createAvailabilityLedger();
  let seq = 0;

  const prune = (): void => {
    const limit = settings.historyLimit ?? 200;
    const finished = jobs.filter((j) => j.state === 'finished');
    for (const old of finished.slice(0, Math.max(0, finished.length - limit))) jobs.splice(jobs.indexOf(old), 1);
  };

  const start = (request: StartRequest): Job => {
    const id = `${request.name}-${++seq}`;
    const seed = Math.floor(settings.rng() * 2 ** 31);
    const dryRun = request.dryRun ?? settings.bite.dryRun;
    const log = createKillLog(clock);
    let finish!: () => void;
    const job: Job = {
      id,
      name: request.name,
      group: request.group,
      source: request.source,
      cookies: request.cookies,
      log,
      seed,
      dryRun,
      maxRecoveryMs: request.maxRecoveryMs ?? settings.maxRecoveryMs,
      startedAt: clock.now(),
      state: 'running',
      stoppedAt: undefined,
      finishedAt: undefined,
      endReason: undefined,
      report: undefined,
      finished: new Promise<void>((resolve) => (finish = resolve)),
    };
    jobs.push(job);
    const unsubscribe = log.subscribe((entry) => settings.onEntry?.(job, entry));
    const problem = settings.onProblem ?? (() => {});
    const file = settings.killLogDir ? writeKillLogFile(join(settings.killLogDir, `${id}.jsonl`), log, problem) : undefined;
    const notify = settings.notifications ? attachNotifications(log, { cluster, cookies: request.cookies }, settings.notifications) : undefined;
    const run = startRun(
      {
        cookies: request.cookies,
        checks: [],
        skipDeployCheck: true,
        readyTimeoutMs: 0,
        chaosDurationMs: request.chaosDurationMs,
        maxRecoveryMs: job.maxRecoveryMs,
        recoveryTimeoutMs: settings.recoveryTimeoutMs,
        seed,
        bite: { ...settings.bite, dryRun },
        pollMs: settings.recoveryPollMs ?? defaults.serverRecoveryPollMs,
      },
      {
        cluster,
        clock,
        rng: seededRng(seed),
        log,
        verification: undefined,
        nodeExec: settings.nodeExec,
        ledger,
        probes: probeSetFor(settings.probes ?? [], { clock, cwd: settings.cwd ?? process.cwd(), cluster, log }),
        onAbort: () => {
          job.endReason ??= 'aborted';
          job.stoppedAt ??= clock.now();
        },
        onPhase: (phase, state) => {
          if (phase !== 'chaos' || state !== 'end') return;
          job.stoppedAt ??= clock.now();
          job.endReason ??= shutdown.signal.aborted ? 'shutdown' : 'duration';
          job.state = 'stopping';
        },
        settle: notify ? () => notify.flush() : undefined,
      },
      { signal: shutdown.signal, runId: id },
    );
    stoppers.set(job, run.stop);

    void (async () => {
      try {
        job.report = await run.done;
      } catch (error) {
        problem(`job ${id}: ${describeError(error)}`);
      } finally {
        notify?.detach();
        await file?.close();
        unsubscribe();
        job.finishedAt = clock.now();
        job.state = 'finished';
        stoppers.delete(job);
        prune();
        finish();
      }
    })();
    return job;
  };

  return {
    start,
    /** Graceful: no new tick starts. Resolves when the cookies have stopped; `job.finished` once recovery is measured. */
    async stop(job: Job): Promise<void> {
      const stop = stoppers.get(job);
      if (!stop || job.state !== 'running') return;
      job.endReason = 'stopped';
      job.stoppedAt = clock.now();
      job.state = 'stopping';
      await stop();
    },
    running: (): Job[] => jobs.filter((j) => j.state !== 'finished'),
    all: (): readonly Job[] => jobs,
    /** By id, else the latest job of that name. */
    find(idOrName: string): Job | undefined {
      return jobs.find((j) => j.id === idOrName) ?? jobs.findLast((j) => j.name === idOrName);
    },
    /** The job of that name and group still killing, if any. */
    runningNamed(name: string, group: 'killpod' | 'nodeexec'): Job | undefined {
      return jobs.find((j) => j.name === name && j.group === group && j.state === 'running');
    },
    /** SIGTERM: every job stops at once, unrecovered kills are logged as such, logs are flushed. */
    async shutdown(): Promise<void> {
      for (const job of jobs) if (job.state === 'running') job.endReason = 'shutdown';
      shutdown.abort(new Error('server shutting down'));
      await Promise.all(jobs.map((j) => j.finished));
    },
  };
}

export type JobRegistry = ReturnType<typeof createJobRegistry>;
