import { setMaxListeners } from 'node:events';
import type { Cookie } from '../../src/config/schema.js';
import type { BiteOptions } from '../../src/core/cookies/context.js';
import type { AvailabilityLedger } from '../../src/core/ledger.js';
import { executePipeline } from '../../src/core/pipeline.js';
import { seededRng } from '../../src/core/rng.js';
import { createKillLog, type KillLog } from '../../src/log/entries.js';
import type { RunReport } from '../../src/report/types.js';
import { Simulation, sampleCluster, type SimulationOptions } from '../../src/sim/index.js';
import { createFakeClock, type FakeClock } from './fake-clock.js';
import { simCluster } from './sim-cluster.js';

/** The demo's sample cluster on a fake clock, with the demo's controller timing unless told otherwise. */
export function sampleSimulation(options: SimulationOptions = {}): { sim: Simulation; clock: FakeClock } {
  const clock = createFakeClock(1_800_000_000_000);
  const sim = new Simulation({ clock, controllers: { replaceDelayMs: 300, readyDelayMs: 1_200 }, ...options });
  sampleCluster(sim);
  return { sim, clock };
}

export interface SimRunOptions {
  seed: number;
  chaosDurationMs: number;
  bite?: Partial<BiteOptions>;
  /** Per request, each way, on the simulation clock. Default 0 to 20 ms, drawn from `seed`. */
  latencyMs?: () => number;
  ledger?: AvailabilityLedger;
}

const bite: BiteOptions = { dryRun: false, mode: 'delete', gracePeriodSeconds: undefined, allowKubeSystem: false, concurrency: 10, self: undefined };

/**
 * The whole run pipeline (cookies, recovery tracking, report) against the simulation through the real client,
 * driven by the fake clock in 25 ms steps until its report is out.
 */
export async function runOnSimulation(sim: Simulation, clock: FakeClock, cookies: Cookie[], options: SimRunOptions): Promise<{ report: RunReport; log: KillLog }> {
  const latencyRng = seededRng(options.seed ^ 0x5eed);
  const cluster = simCluster(sim, { latencyMs: options.latencyMs ?? (() => Math.floor(latencyRng() * 20)) });
  const log = createKillLog(clock);
  // Every request in flight listens to the run's signal: five greedy cookies have more than Node's default ten.
  const interrupt = new AbortController();
  setMaxListeners(0, interrupt.signal);
  let finished = false;
  const done = executePipeline(
    {
      cookies,
      checks: [],
      skipDeployCheck: true,
      skipPreflight: true,
      readyTimeoutMs: 0,
      chaosDurationMs: options.chaosDurationMs,
      maxRecoveryMs: undefined,
      recoveryTimeoutMs: 60_000,
      seed: options.seed,
      bite: { ...bite, ...options.bite },
      pollMs: 200,
    },
    { cluster, clock, rng: seededRng(options.seed), log, verification: undefined, ledger: options.ledger },
    { signal: interrupt.signal },
  ).finally(() => (finished = true));
  while (!finished) await clock.advance(25);
  return { report: await done, log };
}
