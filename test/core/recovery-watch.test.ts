import { afterEach, describe, expect, it } from 'vitest';
import { createRecoveryTracker } from '../../src/core/recovery.js';
import { statusGraceMs } from '../../src/core/recovery-judge.js';
import { createScopeFeed } from '../../src/core/scope-watch.js';
import type { Cluster, WorkloadKind } from '../../src/kube/types.js';
import { createKillLog, entriesOf } from '../../src/log/entries.js';
import { Simulation } from '../../src/sim/index.js';
import { createFakeClock, flushPromises } from '../helpers/fake-clock.js';
import { simCluster } from '../helpers/sim-cluster.js';

let sim: Simulation | undefined;
const stopper = new AbortController();
afterEach(() => {
  sim?.dispose();
});

const statusDelayMs = 30;
const terminationDelayMs = 1_000;
const replaceDelayMs = 300;

/** Kills the first pod of a workload of the lagging simulator, with the scope watched, until its recovery is logged. */
async function watchedKill(
  kind: WorkloadKind,
  {
    readyDelayMs,
    replaceMs = replaceDelayMs,
    forbidWatch = false,
    watchBeforeKill = true,
    wholeNamespace = false,
  }: { readyDelayMs: number; replaceMs?: number; forbidWatch?: boolean; watchBeforeKill?: boolean; wholeNamespace?: boolean },
) {
  const clock = createFakeClock(0);
  sim = new Simulation({ clock, controllers: { replaceDelayMs: replaceMs, readyDelayMs } });
  sim.addNode('node-1');
  sim.addNode('node-2');
  if (kind === 'deployment') sim.addDeployment({ namespace: 'ns', name: 'app', replicas: 3 });
  else if (kind === 'statefulset') sim.addStatefulSet({ namespace: 'ns', name: 'app', replicas: 3 });
  else sim.addDaemonSet({ namespace: 'ns', name: 'app' });
  if (forbidWatch) sim.forbid({ verb: 'watch', resource: 'pods' });
  const cluster = simCluster(sim);
  const scopeWatches = countScopeWatches(cluster);
  const log = createKillLog(clock);
  const scopes = createScopeFeed(cluster, clock, stopper.signal);
  const tracker = createRecoveryTracker({ cluster, clock, log, scopes }, { pollMs: 100 });
  const before = (await cluster.getWorkload({ kind, namespace: 'ns', name: 'app' }))!;
  const pods = await cluster.listPods('ns', before.selector);
  const victim = pods[0]!;
  const quiet = { changed: () => undefined, failed: () => undefined };
  const early = !watchBeforeKill ? undefined : wholeNamespace ? scopes.joinNamespace('ns', kind, quiet) : scopes.join(before, before.selector, quiet);
  await flushPromises();
  const requestedAt = clock.now();
  await cluster.deletePod(victim);
  tracker.track({ cookie: 'c', pod: victim, workload: before, knownPodUids: pods.map((p) => p.uid), nodeName: victim.nodeName, requestedAt, at: clock.now() });
  const settled = tracker.settle(60_000);
  while (entriesOf(log.entries(), 'recovery').length === 0) await clock.advance(10);
  await settled;
  early?.release();
  return { recovery: entriesOf(log.entries(), 'recovery')[0]!, log, scopeWatches: scopeWatches() };
}

/** Counts the watches of one workload (each one a LIST and a WATCH of it and of its pods) the cluster is asked for. */
function countScopeWatches(cluster: Cluster): () => number {
  let count = 0;
  const watchWorkload = cluster.watchWorkload!.bind(cluster);
  cluster.watchWorkload = (...args) => {
    count++;
    watchWorkload(...args);
  };
  return () => count;
}

describe('recovery on a watch of the workload and its pods', () => {
  it.each(['deployment', 'daemonset'] as const)('a %s kill: each stage at the moment its event arrives, not a poll later', async (kind) => {
    const { recovery } = await watchedKill(kind, { readyDelayMs: 2_000 });
    expect(recovery).toMatchObject({ recovered: true, method: 'watch' });
    expect(recovery.stages).toEqual({
      accepted: 0,
      terminating: 0,
      gone: terminationDelayMs,
      replacement: replaceDelayMs,
      ready: replaceDelayMs + 2_000,
      available: replaceDelayMs + 2_000 + (kind === 'deployment' ? 2 : 1) * statusDelayMs,
    });
    expect(recovery.recoveredMs).toBe(recovery.stages!.available);
  });

  it('a StatefulSet kill: gone, then the same-name successor, then Ready and available', async () => {
    const { recovery } = await watchedKill('statefulset', { readyDelayMs: 2_000 });
    expect(recovery.stages).toEqual({
      accepted: 0,
      terminating: 0,
      gone: terminationDelayMs,
      replacement: terminationDelayMs + replaceDelayMs,
      ready: terminationDelayMs + replaceDelayMs + 2_000,
      available: terminationDelayMs + replaceDelayMs + 2_000 + statusDelayMs,
    });
  });

  it.each(['deployment', 'statefulset', 'daemonset'] as const)('a %s kill inside a namespace watched whole (a random cookie): the same stages, and no watch of its own', async (kind) => {
    const alone = await watchedKill(kind, { readyDelayMs: 2_000 });
    sim!.dispose();
    const inside = await watchedKill(kind, { readyDelayMs: 2_000, wholeNamespace: true });
    expect(inside.recovery).toMatchObject({ recovered: true, method: 'watch' });
    expect(inside.recovery.stages).toEqual(alone.recovery.stages);
    expect(inside.recovery.stages!.ready).toBeGreaterThanOrEqual(2_000);
    expect([alone.scopeWatches, inside.scopeWatches]).toEqual([1, 0]);
  });

  it('a scope first watched after the kill still recovers (its first list shows the victim gone or terminating)', async () => {
    const { recovery } = await watchedKill('deployment', { readyDelayMs: 500, watchBeforeKill: false });
    expect(recovery).toMatchObject({ recovered: true, method: 'watch', recoveredMs: terminationDelayMs, stages: { gone: terminationDelayMs, ready: replaceDelayMs + 500 } });
  });

  it('a replacement Ready before the controllers write any status: after the grace, the Ready pods prove it, from the moment it was Ready', async () => {
    const { recovery, log } = await watchedKill('deployment', { readyDelayMs: 10, replaceMs: 5 });
    const statuses = sim!.store.list('deployments', 'ns').map((d) => d.metadata.resourceVersion);
    expect(recovery).toMatchObject({ recovered: true, method: 'watch', stages: { replacement: 5, ready: 15, available: 15, gone: terminationDelayMs } });
    expect(recovery.recoveredMs).toBe(terminationDelayMs);
    // Logged once the grace had passed, not before: a status written late would still have counted.
    expect(recovery.at).toBeGreaterThanOrEqual(15 + statusGraceMs);
    expect(statuses).toHaveLength(1);
    expect(entriesOf(log.entries(), 'retry')).toEqual([]);
  });

  it('where watch is forbidden, polls with the same rules and says so', async () => {
    const { recovery, log } = await watchedKill('deployment', { readyDelayMs: 2_000, forbidWatch: true });
    expect(recovery).toMatchObject({ recovered: true, method: 'poll' });
    expect(recovery.recoveredMs).toBeGreaterThanOrEqual(replaceDelayMs + 2_000 + 2 * statusDelayMs);
    expect(recovery.recoveredMs).toBeLessThanOrEqual(replaceDelayMs + 2_000 + 2 * statusDelayMs + 100);
    expect(entriesOf(log.entries(), 'retry')).toEqual([expect.objectContaining({ message: expect.stringContaining('forbidden') })]);
  });
});
