import { describe, expect, it } from 'vitest';
import { createRecoveryTracker } from '../../src/core/recovery.js';
import { CookieError } from '../../src/errors.js';
import { createKillLog, entriesOf } from '../../src/log/entries.js';
import { createFakeClock, flushPromises } from '../helpers/fake-clock.js';
import { createMemoryCluster } from '../helpers/memory-cluster.js';

/** A 3-pod Deployment whose first pod was just deleted, tracked by a recovery tracker polling every 500 ms. */
async function afterKill() {
  const clock = createFakeClock(1_000);
  const cluster = createMemoryCluster();
  const log = createKillLog(clock);
  const before = structuredClone(cluster.addWorkload({ kind: 'deployment', namespace: 'ns', name: 'web', replicas: 3 }));
  const [victim, ...others] = cluster.pods('ns');
  await cluster.deletePod(victim!);
  const tracker = createRecoveryTracker({ cluster, clock, log }, { pollMs: 500 });
  tracker.track({ cookie: 'c', pod: victim!, workload: before, knownPodUids: [victim!.uid, ...others.map((p) => p.uid)], at: clock.now() });
  await flushPromises();
  const listsSoFar = () => cluster.calls.filter((c) => c.method === 'listPods').length;
  const getsSoFar = () => cluster.calls.filter((c) => c.method === 'getWorkload').length;
  return { clock, cluster, log, tracker, listsSoFar, getsSoFar, owner: others[0]!.owner };
}

describe('recovery tracking by polling', () => {
  it('lists pods only until the replacement is seen, then waits for availability with GETs alone', async () => {
    const { clock, cluster, log, tracker, listsSoFar, getsSoFar, owner } = await afterKill();
    expect(listsSoFar()).toBe(1);
    await clock.advance(500);
    expect(listsSoFar()).toBe(2);

    cluster.addPod({ namespace: 'ns', name: 'web-new', uid: 'uid-new', labels: { app: 'web' }, owner, phase: 'Pending', ready: false });
    await clock.advance(500);
    expect(listsSoFar()).toBe(3);
    for (let i = 0; i < 4; i++) await clock.advance(500);
    expect(listsSoFar()).toBe(3);
    expect(getsSoFar()).toBe(7);
    expect(entriesOf(log.entries(), 'recovery')).toEqual([]);

    cluster.workload({ kind: 'deployment', namespace: 'ns', name: 'web' })!.available = 3;
    await clock.advance(500);
    const [recovery] = entriesOf(log.entries(), 'recovery');
    expect(recovery).toMatchObject({ recovered: true, replacementMs: 1_000, recoveredMs: 3_500, method: 'poll' });
    await tracker.settle(0);
  });

  it('a failed poll is retried at the next poll: a retry entry, no error, and the kill still recovers', async () => {
    const { clock, cluster, log, tracker, listsSoFar, owner } = await afterKill();
    cluster.failNext('listPods', new CookieError('server-error', 'server error: HTTP 503'), 2);
    await clock.advance(500);
    await clock.advance(500);
    expect(entriesOf(log.entries(), 'retry')).toEqual([expect.objectContaining({ operation: 'recovery check of deployment/web', attempt: 1, message: 'server error: HTTP 503' })]);
    cluster.addPod({ namespace: 'ns', name: 'web-new', uid: 'uid-new', labels: { app: 'web' }, owner });
    cluster.workload({ kind: 'deployment', namespace: 'ns', name: 'web' })!.available = 3;
    await clock.advance(500);
    expect(listsSoFar()).toBe(4);
    expect(entriesOf(log.entries(), 'recovery')).toMatchObject([{ recovered: true, replacementMs: 1_500, recoveredMs: 1_500 }]);
    await tracker.settle(0);
    expect(entriesOf(log.entries(), 'error')).toEqual([]);
  });

  it('polls that fail until the timeout leave the kill unrecovered, and that is the only failure', async () => {
    const { clock, cluster, log, tracker } = await afterKill();
    cluster.failNext('getWorkload', new CookieError('timeout', 'timeout: no answer'), Number.POSITIVE_INFINITY);
    const settling = tracker.settle(2_000);
    for (let i = 0; i < 5; i++) await clock.advance(500);
    await settling;
    expect(entriesOf(log.entries(), 'recovery')).toMatchObject([{ recovered: false }]);
    expect(entriesOf(log.entries(), 'error')).toEqual([]);
    expect(entriesOf(log.entries(), 'retry')).toHaveLength(1);
  });

  it('gives up at the deadline and logs the kill as unrecovered', async () => {
    const { clock, log, tracker } = await afterKill();
    const settled = tracker.settle(2_000);
    await clock.advance(2_000);
    await settled;
    expect(entriesOf(log.entries(), 'recovery')).toMatchObject([{ recovered: false, recoveredMs: undefined, replacementMs: undefined }]);
  });
});
