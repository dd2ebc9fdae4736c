import { join } from 'node:path';
import type { Cookie } from '../config/schema.js';
import { startChaos, type NodeExecRunner } from '../core/chaos.js';
import type { Clock } from '../core/clock.js';
import type { BiteOptions } from '../core/cookies/context.js';
import { createRecoveryTracker } from '../core/recovery.js';
import { seededRng, type Rng } from '../core/rng.js';
import { describeError } from '../errors.js';
import type { Cluster } from '../kube/types.js';
import { createKillLog, type KillLog, type LogEntry } from '../log/entries.js';
import { attachNotifications, type NotificationSettings } from '../notify/index.js';
import { jobVerdict } from './job-report.js';
import { writeKillLogFile } from './kill-log-file.js';

export type JobSource = 'legacy' | 'v1' | 'v2';

/** One start of one or more cookies; its kill log is kept after it ends. */
export interface Job {
  readonly id: string;
  readonly name: string;
  readonly group: 'killpod' | 'nodeexec';
  readonly source: JobSource;
  readonly cookies: readonly Cookie[];
  readonly log: KillLog;
  readonly seed: number;
  readonly dryRun: boolean;
  readonly maxRecoveryMs: number | undefined;
  readonly startedAt: number;
  /** running → stopping (no more kills; recovery being measured) → finished. */
  state: 'running' | 'stopping' | 'finished';
  stoppedAt: number | undefined;
  finishedAt: number | undefined;
  endReason: 'duration' | 'stopped' | 'shutdown' | undefined;
  /** Resolves once finished: recovery settled, notifications flushed, kill-log file closed. Never rejects. */
  readonly finished: Promise<void>;
}

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
      finished: new Promise<void>((resolve) => (finish = resolve)),
    };
    jobs.push(job);
    const unsubscribe = log.subscribe((entry) => settings.onEntry?.(job, entry));
    const problem = settings.onProblem ?? (() => {});
    const file = settings.killLogDir ? writeKillLogFile(join(settings.killLogDir, `${id}.jsonl`), log, problem) : undefined;
    const notify = settings.notifications ? attachNotifications(log, { cluster, cookies: request.cookies }, settings.notifications) : undefined;
    log.append({ kind: 'run-start', runId: id, dryRun, seed, server: cluster.server });
    const tracker = createRecoveryTracker({ cluster, clock, log }, { pollMs: settings.recoveryPollMs ?? 1000 });
    const chaos = startChaos(
      request.cookies,
      { cluster, clock, rng: seededRng(seed), log, nodeExec: settings.nodeExec },
      { ...settings.bite, dryRun, chaosDurationMs: request.chaosDurationMs, onKill: (kill) => tracker.track(kill) },
      { signal: shutdown.signal },
    );
    stoppers.set(job, chaos.stop);

    void (async () => {
      try {
        await chaos.done;
        job.stoppedAt ??= clock.now();
        job.endReason ??= shutdown.signal.aborted ? 'shutdown' : 'duration';
        job.state = 'stopping';
        if (shutdown.signal.aborted) tracker.abandon();
        else await tracker.settle(settings.recoveryTimeoutMs, shutdown.signal);
        const verdict = jobVerdict(job);
        log.append({ kind: 'run-end', outcome: verdict.outcome, exitCode: verdict.exitCode });
        await notify?.flush();
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
