import { afterEach, describe, expect, it } from 'vitest';
import { isPodReady } from '../../src/sim/pdb.js';
import { realisticTiming, Simulation, type KubeObject } from '../../src/sim/index.js';
import { createFakeClock, type FakeClock } from '../helpers/fake-clock.js';
import { simCluster } from '../helpers/sim-cluster.js';

let sim: Simulation | undefined;
afterEach(() => sim?.dispose());

function simulation(options: ConstructorParameters<typeof Simulation>[0] = {}): { s: Simulation; clock: FakeClock } {
  const clock = createFakeClock(0);
  sim = new Simulation({ clock, ...options });
  sim.addNode('node-1');
  return { s: sim, clock };
}

const statusOf = (s: Simulation, kind: 'deployment' | 'statefulset', name: string) => s.workload(kind, 'ns', name)?.status;
const ref = (pod: KubeObject) => ({ namespace: 'ns', name: pod.metadata.name, uid: pod.metadata.uid });

describe('the simulator lags like a real control plane by default', () => {
  it('a workload status follows its pods a controller delay later: the ReplicaSet first, then the Deployment', async () => {
    const { s, clock } = simulation();
    s.addDeployment({ namespace: 'ns', name: 'web', replicas: 3 });
    const [victim] = s.podsOf('deployment', 'ns', 'web');
    s.store.remove('pods', 'ns', victim!.metadata.name);
    expect(statusOf(s, 'deployment', 'web')).toMatchObject({ replicas: 3, availableReplicas: 3 });

    await clock.advance(realisticTiming.statusDelayMs - 1);
    expect(statusOf(s, 'deployment', 'web')).toMatchObject({ availableReplicas: 3 });
    await clock.advance(1);
    const [rs] = s.store.list('replicasets', 'ns');
    expect(rs?.status).toMatchObject({ replicas: 2, availableReplicas: 2 });
    expect(statusOf(s, 'deployment', 'web')).toMatchObject({ availableReplicas: 3 });
    await clock.advance(realisticTiming.statusDelayMs);
    expect(statusOf(s, 'deployment', 'web')).toMatchObject({ replicas: 2, availableReplicas: 2, unavailableReplicas: 1 });
  });

  it('a burst of pod changes is one status update', async () => {
    const { s, clock } = simulation();
    s.addStatefulSet({ namespace: 'ns', name: 'db', replicas: 5 });
    const version = s.workload('statefulset', 'ns', 'db')!.metadata.resourceVersion;
    for (const name of ['db-0', 'db-1', 'db-2']) s.setPodReady('ns', name, false);
    await clock.advance(realisticTiming.statusDelayMs);
    const after = s.workload('statefulset', 'ns', 'db')!;
    expect(after.status).toMatchObject({ readyReplicas: 2 });
    expect(Number(after.metadata.resourceVersion)).toBeGreaterThan(Number(version));
    const updated = after.metadata.resourceVersion;
    await clock.advance(10 * realisticTiming.statusDelayMs);
    expect(s.workload('statefulset', 'ns', 'db')!.metadata.resourceVersion).toBe(updated);
  });

  it('a deleted pod bound to a node stays Terminating, Running and not Ready, then goes; one without a node goes at once', async () => {
    const { s, clock } = simulation();
    s.addStatefulSet({ namespace: 'ns', name: 'db', replicas: 2 });
    s.addPods('loose', 1, { app: 'loose' });
    const unbound = s.store.create('pods', { apiVersion: 'v1', kind: 'Pod', metadata: { namespace: 'ns', name: 'unbound', labels: {} }, spec: { containers: [] }, status: { phase: 'Pending' } });
    const cluster = simCluster(s);

    const victim = s.store.get('pods', 'ns', 'db-0')!;
    await cluster.deletePod(ref(victim));
    const terminating = s.store.get('pods', 'ns', 'db-0')!;
    expect(terminating.metadata.deletionTimestamp).toBeDefined();
    expect(terminating.status.phase).toBe('Running');
    expect(isPodReady(terminating)).toBe(false);
    expect((await cluster.listPods('ns', { matchLabels: { app: 'db' } })).find((p) => p.name === 'db-0')).toMatchObject({ deleting: true, ready: false, phase: 'Running' });

    await cluster.deletePod(ref(unbound));
    expect(s.store.get('pods', 'ns', 'unbound')).toBeUndefined();

    await clock.advance(realisticTiming.terminationDelayMs - 1);
    expect(s.store.get('pods', 'ns', 'db-0')?.metadata.uid).toBe(victim.metadata.uid);
    await clock.advance(1);
    expect(s.store.get('pods', 'ns', 'db-0')).toBeUndefined();
  });

  it('a grace period shorter than the containers take cuts Terminating short; 0 removes at once', async () => {
    const { s, clock } = simulation({ timing: { terminationDelayMs: 5_000 } });
    s.addStatefulSet({ namespace: 'ns', name: 'db', replicas: 2 });
    const cluster = simCluster(s);
    await cluster.deletePod(ref(s.store.get('pods', 'ns', 'db-0')!), { gracePeriodSeconds: 0 });
    expect(s.store.get('pods', 'ns', 'db-0')).toBeUndefined();
    await cluster.deletePod(ref(s.store.get('pods', 'ns', 'db-1')!), { gracePeriodSeconds: 2 });
    await clock.advance(1_999);
    expect(s.store.get('pods', 'ns', 'db-1')?.metadata.deletionTimestamp).toBeDefined();
    await clock.advance(1);
    expect(s.store.get('pods', 'ns', 'db-1')).toBeUndefined();
  });

  it('a StatefulSet pod comes back under its name once the old one is gone, on a node, Ready after the readiness delay', async () => {
    const { s, clock } = simulation({ controllers: { replaceDelayMs: 100, readyDelayMs: 400 } });
    s.addStatefulSet({ namespace: 'ns', name: 'db', replicas: 2 });
    const old = s.store.get('pods', 'ns', 'db-1')!;
    await simCluster(s).deletePod(ref(old));

    await clock.advance(realisticTiming.terminationDelayMs);
    expect(s.store.get('pods', 'ns', 'db-1')).toBeUndefined();
    await clock.advance(100);
    const back = s.store.get('pods', 'ns', 'db-1')!;
    expect(back.metadata.uid).not.toBe(old.metadata.uid);
    expect(back.spec.nodeName).toBe('node-1');
    expect(isPodReady(back)).toBe(false);
    await clock.advance(399);
    expect(isPodReady(s.store.get('pods', 'ns', 'db-1')!)).toBe(false);
    await clock.advance(1);
    expect(isPodReady(s.store.get('pods', 'ns', 'db-1')!)).toBe(true);
    await clock.advance(realisticTiming.statusDelayMs);
    expect(statusOf(s, 'statefulset', 'db')).toMatchObject({ replicas: 2, readyReplicas: 2 });
  });

  it("timing: 'instant' is opt-in: statuses follow at once and deleted pods vanish at once", async () => {
    const { s, clock } = simulation({ timing: 'instant' });
    s.addDeployment({ namespace: 'ns', name: 'web', replicas: 2 });
    const [victim] = s.podsOf('deployment', 'ns', 'web');
    await simCluster(s).deletePod(ref(victim!));
    expect(s.store.get('pods', 'ns', victim!.metadata.name)).toBeUndefined();
    expect(statusOf(s, 'deployment', 'web')).toMatchObject({ replicas: 1, availableReplicas: 1 });
    expect(clock.pendingSleeps()).toBe(0);
  });

  it('dispose leaves no status update or termination behind', async () => {
    const { s, clock } = simulation();
    s.addStatefulSet({ namespace: 'ns', name: 'db', replicas: 2 });
    await simCluster(s).deletePod(ref(s.store.get('pods', 'ns', 'db-0')!));
    expect(clock.pendingSleeps()).toBeGreaterThan(0);
    s.dispose();
    expect(clock.pendingSleeps()).toBe(0);
  });
});
