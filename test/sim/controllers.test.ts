import { afterEach, describe, expect, it } from 'vitest';
import { neverReadyAnnotation, realisticTiming, Simulation, startFakeApiServer } from '../../src/sim/index.js';
import { createFakeClock, type FakeClock } from '../helpers/fake-clock.js';
import { startTestApiServer } from '../helpers/fake-apiserver.js';

const timing = { replaceDelayMs: 1_000, readyDelayMs: 3_000 };
let sim: Simulation | undefined;
afterEach(() => sim?.dispose());

/** These tests are about the controllers' own delays: statuses follow pods at once here (realistic-timing.test.ts has the lag). */
function simulation(clock: FakeClock, controllers: boolean | typeof timing = timing): Simulation {
  sim = new Simulation({ clock, controllers, timing: 'instant' });
  return sim;
}

const names = (s: Simulation, ns = 'ns') => s.pods(ns).map((p) => p.metadata.name);

describe('simulated controllers', () => {
  it('replace a deleted Deployment pod after replaceDelayMs (Pending), Ready after readyDelayMs; status follows', async () => {
    const clock = createFakeClock(1_000_000);
    const s = simulation(clock);
    s.addNode('node-1');
    s.addDeployment({ namespace: 'ns', name: 'web', replicas: 3 });
    const [victim] = s.podsOf('deployment', 'ns', 'web');
    s.store.remove('pods', 'ns', victim!.metadata.name);
    expect(s.workload('deployment', 'ns', 'web')?.status).toMatchObject({ replicas: 2, readyReplicas: 2, availableReplicas: 2, unavailableReplicas: 1 });

    await clock.advance(999);
    expect(s.podsOf('deployment', 'ns', 'web')).toHaveLength(2);
    await clock.advance(1);
    const pods = s.podsOf('deployment', 'ns', 'web');
    expect(pods).toHaveLength(3);
    const replacement = pods.find((p) => !['Running'].includes(p.status.phase));
    expect(replacement?.status.phase).toBe('Pending');
    expect(replacement?.metadata.name).toMatch(/^web-[a-z0-9]{10}-[a-z0-9]{5}$/);
    expect(replacement?.metadata.creationTimestamp).toBe(new Date(1_001_000).toISOString().replace('.000', ''));
    expect(s.workload('deployment', 'ns', 'web')?.status).toMatchObject({ replicas: 3, readyReplicas: 2 });

    await clock.advance(3_000);
    expect(s.store.get('pods', 'ns', replacement!.metadata.name)?.status.phase).toBe('Running');
    expect(s.workload('deployment', 'ns', 'web')?.status).toMatchObject({ replicas: 3, readyReplicas: 3, availableReplicas: 3, unavailableReplicas: 0 });
  });

  it('recreate a StatefulSet pod under the same name with a new uid', async () => {
    const clock = createFakeClock();
    const s = simulation(clock);
    s.addStatefulSet({ namespace: 'ns', name: 'db', replicas: 3 });
    const old = s.store.get('pods', 'ns', 'db-1');
    s.store.remove('pods', 'ns', 'db-1');
    expect(s.workload('statefulset', 'ns', 'db')?.status).toMatchObject({ replicas: 2, readyReplicas: 2 });
    await clock.advance(1_000);
    const recreated = s.store.get('pods', 'ns', 'db-1');
    expect(recreated?.metadata.uid).not.toBe(old?.metadata.uid);
    expect(recreated?.metadata.labels).toMatchObject({ 'statefulset.kubernetes.io/pod-name': 'db-1' });
    await clock.advance(3_000);
    expect(s.workload('statefulset', 'ns', 'db')?.status).toMatchObject({ replicas: 3, readyReplicas: 3 });
  });

  it('recreate a DaemonSet pod on the node that lost it', async () => {
    const clock = createFakeClock();
    const s = simulation(clock);
    s.addDaemonSet({ namespace: 'ns', name: 'agent', nodes: 3 });
    const lost = s.podsOf('daemonset', 'ns', 'agent').find((p) => p.spec.nodeName === 'node-2');
    s.store.remove('pods', 'ns', lost!.metadata.name);
    expect(s.workload('daemonset', 'ns', 'agent')?.status).toMatchObject({ desiredNumberScheduled: 3, currentNumberScheduled: 2, numberReady: 2 });
    await clock.advance(1_000);
    expect(s.podsOf('daemonset', 'ns', 'agent').map((p) => p.spec.nodeName).sort()).toEqual(['node-1', 'node-2', 'node-3']);
  });

  it('leave replacements of a never-ready template Pending', async () => {
    const clock = createFakeClock();
    const s = simulation(clock);
    s.addDeployment({ namespace: 'ns', name: 'stuck', replicas: 2, podAnnotations: { [neverReadyAnnotation]: 'true' } });
    s.store.remove('pods', 'ns', s.podsOf('deployment', 'ns', 'stuck')[0]!.metadata.name);
    await clock.advance(60_000);
    expect(s.workload('deployment', 'ns', 'stuck')?.status).toMatchObject({ replicas: 2, readyReplicas: 1 });
  });

  it('do nothing when off; statuses still follow the pods', async () => {
    const clock = createFakeClock();
    const s = simulation(clock, false);
    s.addDeployment({ namespace: 'ns', name: 'web', replicas: 2, ready: 1 });
    expect(s.workload('deployment', 'ns', 'web')?.status).toMatchObject({ replicas: 2, readyReplicas: 1 });
    s.store.remove('pods', 'ns', s.podsOf('deployment', 'ns', 'web')[0]!.metadata.name);
    await clock.advance(60_000);
    expect(names(s)).toHaveLength(1);
    expect(clock.pendingSleeps()).toBe(0);
  });

  it('stop cleanly: dispose leaves no sleep behind', async () => {
    const clock = createFakeClock();
    const s = simulation(clock);
    s.addStatefulSet({ namespace: 'ns', name: 'db', replicas: 1 });
    s.store.remove('pods', 'ns', 'db-0');
    expect(clock.pendingSleeps()).toBe(1);
    s.dispose();
    expect(clock.pendingSleeps()).toBe(0);
    await clock.advance(10_000);
    expect(s.store.get('pods', 'ns', 'db-0')).toBeUndefined();
  });
});

describe('through the real client', () => {
  it('a pod deleted over HTTP is replaced, and the client sees recovery', async () => {
    const clock = createFakeClock(0);
    const api = await startTestApiServer({ clock, controllers: timing });
    try {
      api.sim.addDeployment({ namespace: 'ns', name: 'web', replicas: 2 });
      const cluster = await api.connect();
      const [victim] = await cluster.listPods('ns', { matchLabels: { app: 'web' } });
      await cluster.deletePod(victim!);
      // The ReplicaSet's status, then the Deployment's, follow the pods a controller's delay later.
      await clock.advance(2 * realisticTiming.statusDelayMs);
      expect(await cluster.getWorkload({ kind: 'deployment', namespace: 'ns', name: 'web' })).toMatchObject({ current: 1, ready: 1 });
      await clock.advance(timing.replaceDelayMs);
      const after = await cluster.listPods('ns', { matchLabels: { app: 'web' } });
      expect(after.map((p) => p.phase).sort()).toEqual(['Pending', 'Running']);
      expect(after.some((p) => p.uid === victim!.uid)).toBe(false);
      await clock.advance(timing.readyDelayMs);
      expect(await cluster.getWorkload({ kind: 'deployment', namespace: 'ns', name: 'web' })).toMatchObject({ desired: 2, current: 2, ready: 2, available: 2 });
    } finally {
      await api.close();
    }
  });

  it('graceful deletion shows the pod terminating before it goes', async () => {
    const clock = createFakeClock(0);
    const api = await startFakeApiServer({ clock, terminationDelayMs: 5_000 });
    try {
      api.sim.addNode('node-1');
      api.sim.addStatefulSet({ namespace: 'ns', name: 'db', replicas: 1 });
      const response = await fetch(`${api.url}/api/v1/namespaces/ns/pods/db-0?gracePeriodSeconds=2`, { method: 'DELETE' });
      expect(response.status).toBe(200);
      const terminating = api.sim.store.get('pods', 'ns', 'db-0');
      expect(terminating?.metadata).toMatchObject({ deletionGracePeriodSeconds: 2, deletionTimestamp: '1970-01-01T00:00:02Z' });
      expect(terminating?.status.phase).toBe('Running');
      expect(terminating?.status.conditions).toContainEqual(expect.objectContaining({ type: 'Ready', status: 'False' }));
      await clock.advance(realisticTiming.statusDelayMs);
      expect(api.sim.workload('statefulset', 'ns', 'db')?.status).toMatchObject({ replicas: 0 });
      await clock.advance(2_000);
      expect(api.sim.store.get('pods', 'ns', 'db-0')).toBeUndefined();
    } finally {
      await api.close();
    }
  });
});
