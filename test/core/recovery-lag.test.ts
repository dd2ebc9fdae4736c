import { afterEach, describe, expect, it } from 'vitest';
import { createRecoveryTracker } from '../../src/core/recovery.js';
import { createKillLog, entriesOf } from '../../src/log/entries.js';
import { Simulation } from '../../src/sim/index.js';
import { createFakeClock } from '../helpers/fake-clock.js';
import { simCluster } from '../helpers/sim-cluster.js';

let sim: Simulation | undefined;
afterEach(() => sim?.dispose());

describe('recovery tracking against a status that lags behind the pods', () => {
  it.each([
    ['deployment', 'web'],
    ['statefulset', 'db'],
  ] as const)('a %s kill is recovered only once its replacement is Ready, not on the status from before the kill', async (kind, name) => {
    const clock = createFakeClock(0);
    sim = new Simulation({ clock, controllers: { replaceDelayMs: 300, readyDelayMs: 1_200 } });
    sim.addNode('node-1');
    if (kind === 'deployment') sim.addDeployment({ namespace: 'ns', name, replicas: 3 });
    else sim.addStatefulSet({ namespace: 'ns', name, replicas: 3 });
    const cluster = simCluster(sim);
    const log = createKillLog(clock);
    const tracker = createRecoveryTracker({ cluster, clock, log }, { pollMs: 100 });

    const before = (await cluster.getWorkload({ kind, namespace: 'ns', name }))!;
    const pods = await cluster.listPods('ns', before.selector);
    await cluster.deletePod(pods[0]!);
    tracker.track({ cookie: 'c', pod: pods[0]!, workload: before, knownPodUids: pods.map((p) => p.uid), requestedAt: clock.now(), at: clock.now() });
    const settled = tracker.settle(20_000);
    while (entriesOf(log.entries(), 'recovery').length === 0) await clock.advance(50);
    await settled;

    const [recovery] = entriesOf(log.entries(), 'recovery');
    expect(recovery).toMatchObject({ recovered: true });
    expect(recovery!.replacementMs).toBeGreaterThanOrEqual(300);
    expect(recovery!.recoveredMs).toBeGreaterThanOrEqual(300 + 1_200);
  });
});
