import { fromKillPodFile } from '../../src/config/normalize.js';
import { killPodFileSchema, type KillPodCookie } from '../../src/config/schema.js';
import { seededRng } from '../../src/core/rng.js';
import type { BiteContext, BiteOptions, KillRecord } from '../../src/core/cookies/context.js';
import { createAvailabilityLedger } from '../../src/core/ledger.js';
import { createKillLog, entriesOf, type KillLog } from '../../src/log/entries.js';
import { createFakeClock, type FakeClock } from '../helpers/fake-clock.js';
import { createMemoryCluster, type MemoryCluster } from '../helpers/memory-cluster.js';

/** A cookie exactly as a cookies.d file would load: `file` is the JSON content. */
export function cookieFrom(file: Record<string, unknown>, name = 'test-cookie'): KillPodCookie {
  return fromKillPodFile(name, `cookies.d/killpod/${name}.json`, killPodFileSchema.parse({ interval: 30, ...file }));
}

export const defaultBiteOptions: BiteOptions = {
  dryRun: false,
  mode: 'delete',
  gracePeriodSeconds: undefined,
  allowKubeSystem: false,
  concurrency: 10,
  self: undefined,
};

export interface Harness {
  cluster: MemoryCluster;
  clock: FakeClock;
  log: KillLog;
  kills: KillRecord[];
  ctx: BiteContext;
}

export function harness(options: Partial<BiteOptions> = {}, seed = 1): Harness {
  const cluster = createMemoryCluster();
  const clock = createFakeClock(1_700_000_000_000);
  const log = createKillLog(clock);
  const kills: KillRecord[] = [];
  const ctx: BiteContext = {
    cluster,
    clock,
    rng: seededRng(seed),
    log,
    options: { ...defaultBiteOptions, ...options },
    ledger: createAvailabilityLedger().openRun({ dryRun: options.dryRun ?? false }),
    onKill: (kill) => kills.push(kill),
  };
  return { cluster, clock, log, kills, ctx };
}

/** The pods a log says were bitten, in order. */
export const bitten = (log: KillLog): string[] => entriesOf(log.entries(), 'bite').map((e) => e.pod.name);
