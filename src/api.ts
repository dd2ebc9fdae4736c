import { openCookieCatalog } from './config/catalog.js';
import { findCookieRoot } from './config/load.js';
import type { Cookie } from './config/schema.js';
import { systemClock, type Clock } from './core/clock.js';
import { executePipeline, type Verification } from './core/pipeline.js';
import { randomSeed, seededRng } from './core/rng.js';
import { createCluster } from './kube/index.js';
import type { Cluster } from './kube/types.js';
import { createKillLog, type LogEntry } from './log/entries.js';
import { runOptionDeclarations, type CamelOptions } from './options/declarations.js';
import { pipelineOptionsFrom } from './options/pipeline-options.js';
import { probeSetFor, probeSpecsFrom } from './probes/index.js';
import { fromCamelCase, parseOptions } from './options/schema.js';
import type { RunReport } from './report/types.js';
import { runCommand } from './verify/run-command.js';

/**
 * Options of `runPipeline`: the `run` flags marked for the library in src/options/declarations.ts, camelCase
 * (`chaosDuration`, `maxRecovery`, `helmRelease`, …; durations as "30s" or milliseconds), plus what only a program can give.
 */
export type RunOptions = CamelOptions<typeof runOptionDeclarations, 'library'> & {
  /** A ready Cluster instead of `kubeconfig`/`context`. */
  cluster?: Cluster;
  /** Cookie objects, or a cookies.d directory / config.yaml path to load. */
  cookies: Cookie[] | string;
  /** A command (argv, no shell) or any Verification; omitted: chaos runs for `chaosDuration` or the cookies' own. */
  verify?: string[] | Verification;
  clock?: Clock;
  /** Called with every kill-log entry as it happens. */
  onEntry?: (entry: LogEntry) => void;
  /** Called once when a probe with `abort: true` breaches and chaos halts; the reason is also in the report. */
  onAbort?: (reason: string) => void;
};

/** The whole `cookiemonster run` as a function; returns the report the CLI renders. */
export async function runPipeline(options: RunOptions, { signal }: { signal?: AbortSignal } = {}): Promise<RunReport> {
  const values = parseOptions(runOptionDeclarations, fromCamelCase(runOptionDeclarations, options, 'library'), 'field');
  const clock = options.clock ?? systemClock;
  const probeSpecs = await probeSpecsFrom(values, process.cwd());
  const cookies = typeof options.cookies === 'string' ? await loadFrom(options.cookies) : options.cookies;
  const cluster = options.cluster ?? (await createCluster({ kubeconfig: values.kubeconfig, context: values.context, env: process.env, cwd: process.cwd() }));
  const seed = values.seed ?? randomSeed();
  const log = createKillLog(clock);
  if (options.onEntry) log.subscribe(options.onEntry);
  const verification: Verification | undefined = Array.isArray(options.verify)
    ? commandVerification(options.verify, values['verify-timeout'], clock, values['kill-after'])
    : options.verify;
  return executePipeline(
    pipelineOptionsFrom(values, { cookies, seed, defaultNamespace: cluster.defaultNamespace }),
    { cluster, clock, rng: seededRng(seed), log, verification, probes: probeSetFor(probeSpecs, { clock, cwd: process.cwd(), cluster, log }), onAbort: options.onAbort },
    { signal },
  );
}

/** A verification step that runs one command; compose several for custom pipelines (see examples/). */
export function commandVerification(argv: string[], timeoutMs: number | undefined, clock: Clock = systemClock, killAfterMs?: number): Verification {
  return {
    command: argv,
    run: async (signal) => ({ result: await runCommand({ argv, timeoutMs, killAfterMs }, { clock }, { signal }), externalCases: [] }),
  };
}

/** Every killpod cookie of a cookies.d directory or config.yaml; any invalid file fails. */
function loadFrom(path: string): Promise<Cookie[]> {
  return openCookieCatalog(findCookieRoot(path, process.cwd()), process.cwd()).select([]);
}
