import { afterEach, describe, expect, it } from 'vitest';
import type { KillRecord } from '../../src/core/cookies/context.js';
import { createRecoveryTracker } from '../../src/core/recovery.js';
import { CookieError } from '../../src/errors.js';
import type { Cluster, Workload, WorkloadKind } from '../../src/kube/types.js';
import { createKillLog, entriesOf, type KillLog } from '../../src/log/entries.js';
import { Simulation } from '../../src/sim/index.js';
import { createFakeClock, flushPromises, type FakeClock } from '../helpers/fake-clock.js';
import { createMemoryCluster } from '../helpers/memory-cluster.js';
import { simCluster } from '../helpers/sim-cluster.js';

/** A 3-pod Deployment of the memory cluster whose first pod was just deleted, tracked by a tracker polling every 500 ms. */
async function afterKill(kind: WorkloadKind = 'deployment', beforeFirstPoll: (cluster: ReturnType<typeof createMemoryCluster>) => void = () => {}, spec: Partial<Workload> = {}) {
  const clock = createFakeClock(1_000);
  const cluster = createMemoryCluster();
  const log = createKillLog(clock);
  const before = structuredClone(Object.assign(cluster.addWorkload({ kind, namespace: 'ns', name: 'web', replicas: 3 }), spec));
  const [victim, ...others] = cluster.pods('ns');
  await cluster.deletePod(victim!);
  beforeFirstPoll(cluster);
  const tracker = createRecoveryTracker({ cluster, clock, log }, { pollMs: 500 });
  const knownPodUids = [victim!.uid, ...others.map((p) => p.uid)];
  tracker.track({ cookie: 'c', pod: victim!, workload: before, knownPodUids, nodeName: victim!.nodeName, requestedAt: clock.now(), at: clock.now() });
  await flushPromises();
  const listsSoFar = () => cluster.calls.filter((c) => c.method === 'listPods').length;
  const workload = cluster.workload({ kind, namespace: 'ns', name: 'web' })!;
  return { clock, cluster, log, tracker, listsSoFar, workload, owner: others[0]!.owner };
}

const recoveries = (log: KillLog) => entriesOf(log.entries(), 'recovery');

describe('what counts as recovered (polling)', () => {
  it('a replacement that exists but is not Ready does not count, even when the status shows full availability', async () => {
    const { clock, cluster, log, tracker, workload, owner } = await afterKill();
    cluster.addPod({ namespace: 'ns', name: 'web-new', uid: 'uid-new', labels: { app: 'web' }, owner, phase: 'Pending', ready: false });
    workload.available = 3;
    for (let i = 0; i < 4; i++) await clock.advance(500);
    expect(recoveries(log)).toEqual([]);

    cluster.setPod('ns', 'web-new', { phase: 'Running', ready: true });
    await clock.advance(500);
    expect(recoveries(log)).toEqual([
      expect.objectContaining({ recovered: true, method: 'poll', replacementMs: 500, recoveredMs: 2_500, stages: { accepted: 0, gone: 0, replacement: 500, ready: 2_500, available: 500 } }),
    ]);
    await tracker.settle(0);
  });

  it('lists pods until the victim is gone and the replacement Ready, then waits for availability with GETs alone', async () => {
    const { clock, cluster, log, tracker, listsSoFar, workload, owner } = await afterKill();
    expect(listsSoFar()).toBe(1);
    cluster.addPod({ namespace: 'ns', name: 'web-new', uid: 'uid-new', labels: { app: 'web' }, owner });
    await clock.advance(500);
    expect(listsSoFar()).toBe(2);
    for (let i = 0; i < 3; i++) await clock.advance(500);
    expect(listsSoFar()).toBe(2);
    expect(recoveries(log)).toEqual([]);
    workload.available = 3;
    await clock.advance(500);
    expect(recoveries(log)).toMatchObject([{ recovered: true, recoveredMs: 2_500, stages: { ready: 500, available: 2_500 } }]);
    await tracker.settle(0);
  });

  it('a status that predates the kill never counts; one written after the replacement became Ready does', async () => {
    // The status the controllers wrote before they noticed the kill: full availability, an older resourceVersion.
    const stale = (cluster: ReturnType<typeof createMemoryCluster>) =>
      Object.assign(cluster.workload({ kind: 'deployment', namespace: 'ns', name: 'web' })!, { available: 3, ready: 3, resourceVersion: '7' });
    const { clock, cluster, log, tracker, workload, owner } = await afterKill('deployment', stale);
    cluster.addPod({ namespace: 'ns', name: 'web-new', uid: 'uid-new', labels: { app: 'web' }, owner, resourceVersion: '9' });
    await clock.advance(500);
    expect(recoveries(log)).toEqual([]);

    workload.resourceVersion = '10';
    await clock.advance(500);
    expect(recoveries(log)).toMatchObject([{ recovered: true, recoveredMs: 1_000, stages: { ready: 500, available: 1_000 } }]);
    await tracker.settle(0);
  });

  it.each([
    [0, 500, 1_500],
    [2, 2_500, 3_500],
  ])(
    'no status written after the kill (minReadySeconds %i): the Ready pods prove it available at %i ms, once the status grace has passed (%i ms)',
    async (minReadySeconds, availableMs, provenMs) => {
      const stale = (cluster: ReturnType<typeof createMemoryCluster>) =>
        Object.assign(cluster.workload({ kind: 'deployment', namespace: 'ns', name: 'web' })!, { available: 3, ready: 3, resourceVersion: '7' });
      const { clock, cluster, log, tracker, owner } = await afterKill('deployment', stale, { minReadySeconds });
      cluster.addPod({ namespace: 'ns', name: 'web-new', uid: 'uid-new', labels: { app: 'web' }, owner, resourceVersion: '9' });
      while (clock.now() - 1_000 < provenMs - 500) {
        await clock.advance(500);
        expect(recoveries(log)).toEqual([]);
      }
      await clock.advance(500);
      expect(recoveries(log)).toMatchObject([{ recovered: true, recoveredMs: availableMs, stages: { ready: 500, available: availableMs } }]);
      await tracker.settle(0);
    },
  );

  it('pods do not prove it while fewer are Ready than were available before the kill', async () => {
    const stale = (cluster: ReturnType<typeof createMemoryCluster>) =>
      Object.assign(cluster.workload({ kind: 'deployment', namespace: 'ns', name: 'web' })!, { available: 3, ready: 3, resourceVersion: '7' });
    const { clock, cluster, log, tracker, owner } = await afterKill('deployment', stale);
    cluster.addPod({ namespace: 'ns', name: 'web-new', uid: 'uid-new', labels: { app: 'web' }, owner, resourceVersion: '9' });
    const [survivor] = cluster.pods('ns');
    cluster.setPod('ns', survivor!.name, { ready: false });
    for (let i = 0; i < 8; i++) await clock.advance(500);
    expect(recoveries(log)).toEqual([]);
    await tracker.settle(0);
  });

  it("a DaemonSet's replacement is the new pod on the victim's node, not a new pod elsewhere", async () => {
    const { clock, cluster, log, tracker, workload, owner } = await afterKill('daemonset');
    cluster.addPod({ namespace: 'ns', name: 'web-elsewhere', uid: 'uid-elsewhere', labels: { app: 'web' }, owner, nodeName: 'node-2' });
    workload.available = 3;
    for (let i = 0; i < 3; i++) await clock.advance(500);
    expect(recoveries(log)).toEqual([]);

    cluster.addPod({ namespace: 'ns', name: 'web-here', uid: 'uid-here', labels: { app: 'web' }, owner, nodeName: 'node-1' });
    await clock.advance(500);
    expect(recoveries(log)).toMatchObject([{ recovered: true, replacementMs: 2_000, recoveredMs: 2_000 }]);
    await tracker.settle(0);
  });

  it("a StatefulSet's replacement is the pod of the victim's name with a new uid, which also shows the victim gone", async () => {
    const { clock, cluster, log, tracker, workload, owner } = await afterKill('statefulset');
    cluster.addPod({ namespace: 'ns', name: 'web-3', uid: 'uid-other-name', labels: { app: 'web' }, owner });
    workload.available = 3;
    await clock.advance(500);
    expect(recoveries(log)).toEqual([]);

    cluster.addPod({ namespace: 'ns', name: 'web-0', uid: 'uid-successor', labels: { app: 'web' }, owner });
    await clock.advance(500);
    expect(recoveries(log)).toMatchObject([{ recovered: true, replacementMs: 1_000, recoveredMs: 1_000 }]);
    await tracker.settle(0);
  });

  it('two kills of one workload need two replacements', async () => {
    const clock = createFakeClock(0);
    const cluster = createMemoryCluster();
    const log = createKillLog(clock);
    const before = structuredClone(cluster.addWorkload({ kind: 'deployment', namespace: 'ns', name: 'web', replicas: 3 }));
    const [a, b, c] = cluster.pods('ns');
    const known = [a!.uid, b!.uid, c!.uid];
    const tracker = createRecoveryTracker({ cluster, clock, log }, { pollMs: 500 });
    for (const victim of [a!, b!]) {
      await cluster.deletePod(victim);
      tracker.track({ cookie: 'c', pod: victim, workload: before, knownPodUids: known, requestedAt: 0, at: 0 });
    }
    cluster.addPod({ namespace: 'ns', name: 'web-x', uid: 'uid-x', labels: { app: 'web' }, owner: c!.owner });
    cluster.workload({ kind: 'deployment', namespace: 'ns', name: 'web' })!.available = 3;
    await clock.advance(500);
    expect(recoveries(log)).toHaveLength(1);
    cluster.addPod({ namespace: 'ns', name: 'web-y', uid: 'uid-y', labels: { app: 'web' }, owner: c!.owner });
    await clock.advance(500);
    expect(recoveries(log).map((r) => r.recoveredMs)).toEqual([500, 1_000]);
    await tracker.settle(0);
  });
});

describe('polling failures', () => {
  it('a failed poll is retried at the next poll: a retry entry, no error, and the kill still recovers', async () => {
    const { clock, cluster, log, tracker, listsSoFar, workload, owner } = await afterKill();
    cluster.failNext('listPods', new CookieError('server-error', 'server error: HTTP 503'), 2);
    await clock.advance(500);
    await clock.advance(500);
    expect(entriesOf(log.entries(), 'retry')).toEqual([expect.objectContaining({ operation: 'recovery check of deployment/web', attempt: 1, message: 'server error: HTTP 503' })]);
    cluster.addPod({ namespace: 'ns', name: 'web-new', uid: 'uid-new', labels: { app: 'web' }, owner });
    workload.available = 3;
    await clock.advance(500);
    expect(listsSoFar()).toBe(4);
    expect(recoveries(log)).toMatchObject([{ recovered: true, replacementMs: 1_500, recoveredMs: 1_500 }]);
    await tracker.settle(0);
    expect(entriesOf(log.entries(), 'error')).toEqual([]);
  });

  it('polls that fail until the timeout leave the kill unrecovered, and that is the only failure', async () => {
    const { clock, cluster, log, tracker } = await afterKill();
    cluster.failNext('getWorkload', new CookieError('timeout', 'timeout: no answer'), Number.POSITIVE_INFINITY);
    const settling = tracker.settle(2_000);
    for (let i = 0; i < 5; i++) await clock.advance(500);
    await settling;
    expect(recoveries(log)).toMatchObject([{ recovered: false }]);
    expect(entriesOf(log.entries(), 'error')).toEqual([]);
    expect(entriesOf(log.entries(), 'retry')).toHaveLength(1);
  });

  it('gives up at the deadline and logs the kill as unrecovered with the stages it reached', async () => {
    const { clock, log, tracker } = await afterKill();
    const settled = tracker.settle(2_000);
    await clock.advance(2_000);
    await settled;
    expect(recoveries(log)).toMatchObject([{ recovered: false, recoveredMs: undefined, replacementMs: undefined, stages: { accepted: 0, gone: 0 } }]);
  });
});

let sim: Simulation | undefined;
afterEach(() => sim?.dispose());

/** Kills the first pod of a workload of the lagging simulator and drives the clock until its recovery is logged. */
async function simulatedKill(kind: WorkloadKind, { pollMs, readyDelayMs }: { pollMs: number; readyDelayMs: number }) {
  const clock = createFakeClock(0);
  sim = new Simulation({ clock, controllers: { replaceDelayMs: 300, readyDelayMs } });
  sim.addNode('node-1');
  sim.addNode('node-2');
  if (kind === 'deployment') sim.addDeployment({ namespace: 'ns', name: 'app', replicas: 3 });
  else if (kind === 'statefulset') sim.addStatefulSet({ namespace: 'ns', name: 'app', replicas: 3 });
  else sim.addDaemonSet({ namespace: 'ns', name: 'app' });
  const cluster: Cluster = simCluster(sim);
  const log = createKillLog(clock);
  const tracker = createRecoveryTracker({ cluster, clock, log }, { pollMs });
  const before = (await cluster.getWorkload({ kind, namespace: 'ns', name: 'app' }))!;
  const pods = await cluster.listPods('ns', before.selector);
  const victim = pods[0]!;
  const kill: KillRecord = { cookie: 'c', pod: victim, workload: before, knownPodUids: pods.map((p) => p.uid), nodeName: victim.nodeName, requestedAt: clock.now(), at: 0 };
  await cluster.deletePod(victim);
  tracker.track({ ...kill, at: clock.now() });
  const settled = tracker.settle(60_000);
  await advanceUntil(clock, () => recoveries(log).length > 0);
  await settled;
  return recoveries(log)[0]!;
}

async function advanceUntil(clock: FakeClock, done: () => boolean): Promise<void> {
  while (!done()) await clock.advance(10);
}

describe('stages against the lagging simulator (polling)', () => {
  const { statusDelayMs, terminationDelayMs } = { statusDelayMs: 30, terminationDelayMs: 1_000 };
  const pollMs = 100;

  it.each(['deployment', 'daemonset'] as const)('a %s kill: terminating, gone, replacement, Ready, available, in order and no earlier than they happened', async (kind) => {
    const recovery = await simulatedKill(kind, { pollMs, readyDelayMs: 2_000 });
    const stages = recovery.stages!;
    expect(recovery).toMatchObject({ recovered: true, method: 'poll' });
    expect(stages.accepted).toBe(0);
    expect(stages.terminating).toBe(0);
    expect(stages.gone).toBeGreaterThanOrEqual(terminationDelayMs);
    expect(stages.gone).toBeLessThanOrEqual(terminationDelayMs + pollMs);
    expect(stages.replacement).toBeGreaterThanOrEqual(300);
    expect(stages.replacement).toBeLessThanOrEqual(300 + pollMs);
    expect(stages.ready).toBeGreaterThanOrEqual(2_300);
    expect(stages.ready).toBeLessThanOrEqual(2_300 + pollMs);
    expect(stages.available).toBeGreaterThanOrEqual(stages.ready!);
    expect(stages.available).toBeLessThanOrEqual(2_300 + 2 * statusDelayMs + pollMs);
    expect(recovery.recoveredMs).toBe(Math.max(stages.gone!, stages.ready!, stages.available!));
  });

  it('a StatefulSet kill: the successor comes only once the victim is gone, and is Ready its delay later', async () => {
    const recovery = await simulatedKill('statefulset', { pollMs, readyDelayMs: 2_000 });
    const stages = recovery.stages!;
    expect(stages.gone).toBeGreaterThanOrEqual(terminationDelayMs);
    expect(stages.replacement).toBeGreaterThanOrEqual(terminationDelayMs + 300);
    expect(stages.ready).toBeGreaterThanOrEqual(terminationDelayMs + 300 + 2_000);
    expect(recovery.recoveredMs).toBeGreaterThanOrEqual(3_300);
    expect(recovery.recoveredMs).toBeLessThanOrEqual(3_300 + 2 * statusDelayMs + pollMs);
  });
});
