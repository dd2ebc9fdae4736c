import { parseDuration } from './config/duration.js';
import { openCookieCatalog } from './config/catalog.js';
import { findCookieRoot } from './config/load.js';
import type { Cookie } from './config/schema.js';
import { systemClock, type Clock } from './core/clock.js';
import { parseCheckTarget } from './core/deploy-check.js';
import { executePipeline, type Verification } from './core/pipeline.js';
import { randomSeed, seededRng } from './core/rng.js';
import { CookieError } from './errors.js';
import { createCluster } from './kube/index.js';
import type { Cluster } from './kube/types.js';
import { createKillLog, type LogEntry } from './log/entries.js';
import type { RunReport } from './report/types.js';
import { runCommand } from './verify/run-command.js';

type Duration = string | number;

/** Options of `runPipeline`; durations are "30s"-style strings or milliseconds. */
export interface RunOptions {
  /** A ready Cluster, or how to build one from a kubeconfig. */
  cluster?: Cluster;
  kubeconfig?: string;
  context?: string;
  /** Cookie objects, or a cookies.d directory / config.yaml path to load. */
  cookies: Cookie[] | string;
  /** A command (argv, no shell) or any Verification; omitted: chaos runs for `chaosDuration` or the cookies' own. */
  verify?: string[] | Verification;
  verifyTimeout?: Duration;
  checks?: string[];
  skipDeployCheck?: boolean;
  /** Skip the RBAC preflight before the first kill. */
  skipPreflight?: boolean;
  readyTimeout?: Duration;
  chaosDuration?: Duration;
  maxRecovery?: Duration;
  recoveryTimeout?: Duration;
  dryRun?: boolean;
  seed?: number;
  mode?: 'delete' | 'evict';
  allowKubeSystem?: boolean;
  clock?: Clock;
  /** Called with every kill-log entry as it happens. */
  onEntry?: (entry: LogEntry) => void;
}

/** The whole `cookiemonster run` as a function; returns the report the CLI renders. */
export async function runPipeline(options: RunOptions, { signal }: { signal?: AbortSignal } = {}): Promise<RunReport> {
  const clock = options.clock ?? systemClock;
  const cookies = typeof options.cookies === 'string' ? await loadFrom(options.cookies) : options.cookies;
  const cluster = options.cluster ?? (await createCluster({ kubeconfig: options.kubeconfig, context: options.context, env: process.env, cwd: process.cwd() }));
  const seed = options.seed ?? randomSeed();
  const log = createKillLog(clock);
  if (options.onEntry) log.subscribe(options.onEntry);
  const ms = (value: Duration | undefined, name: string): number | undefined => {
    if (value === undefined) return undefined;
    const parsed = typeof value === 'number' ? value : parseDuration(value);
    if (parsed === undefined) throw new CookieError('usage', `${name}: expected a duration like "30s", got ${JSON.stringify(value)}`);
    return parsed;
  };
  const verifyTimeoutMs = ms(options.verifyTimeout, 'verifyTimeout');
  const verification: Verification | undefined = Array.isArray(options.verify)
    ? commandVerification(options.verify, verifyTimeoutMs, clock)
    : options.verify;
  return executePipeline(
    {
      cookies,
      checks: (options.checks ?? []).map(parseCheckTarget),
      skipDeployCheck: options.skipDeployCheck ?? false,
      skipPreflight: options.skipPreflight ?? false,
      readyTimeoutMs: ms(options.readyTimeout, 'readyTimeout') ?? 300_000,
      chaosDurationMs: ms(options.chaosDuration, 'chaosDuration'),
      maxRecoveryMs: ms(options.maxRecovery, 'maxRecovery'),
      recoveryTimeoutMs: ms(options.recoveryTimeout, 'recoveryTimeout') ?? ms(options.maxRecovery, 'maxRecovery') ?? 120_000,
      seed,
      bite: {
        dryRun: options.dryRun ?? false,
        mode: options.mode ?? 'delete',
        gracePeriodSeconds: undefined,
        allowKubeSystem: options.allowKubeSystem ?? false,
        concurrency: 10,
        self: undefined,
      },
    },
    { cluster, clock, rng: seededRng(seed), log, verification },
    { signal },
  );
}

/** A verification step that runs one command; compose several for custom pipelines (see examples/). */
export function commandVerification(argv: string[], timeoutMs: number | undefined, clock: Clock = systemClock): Verification {
  return {
    command: argv,
    run: async (signal) => ({ result: await runCommand({ argv, timeoutMs }, { clock }, { signal }), externalCases: [] }),
  };
}

/** Every killpod cookie of a cookies.d directory or config.yaml; any invalid file fails. */
function loadFrom(path: string): Promise<Cookie[]> {
  return openCookieCatalog(findCookieRoot(path, process.cwd()), process.cwd()).select([]);
}
