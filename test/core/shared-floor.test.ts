import { describe, expect, it } from 'vitest';
import { biteKillPod } from '../../src/core/cookies/killpod.js';
import { seededRng } from '../../src/core/rng.js';
import { CookieError } from '../../src/errors.js';
import { entriesOf } from '../../src/log/entries.js';
import { createJobRegistry } from '../../src/server/jobs.js';
import { watchServingPods } from '../helpers/serving-pods.js';
import { simCluster } from '../helpers/sim-cluster.js';
import { runOnSimulation, sampleSimulation } from '../helpers/sim-run.js';
import { bitten, cookieFrom, harness } from './bite-context.js';

const glance = (name: string, extra: Record<string, unknown> = {}) =>
  cookieFrom({ name: 'glance-api', kind: 'deployment', namespace: 'openstack', target: 1, interval: '300ms', ...extra }, name);

describe('one floor for every cookie of a run (issue 12 item 1)', () => {
  it.each([1, 2, 3, 4, 5])('two cookies on glance-api (2 replicas) never take it to zero, seed %i', async (seed) => {
    const { sim, clock } = sampleSimulation();
    const serving = watchServingPods(sim, 'openstack');
    const { report } = await runOnSimulation(sim, clock, [glance('glance-a'), glance('glance-b')], { seed, chaosDurationMs: 12_000 });
    serving.stop();
    sim.dispose();

    expect(serving.lowest()['deployment/glance-api']).toBe(1);
    const bites = entriesOf(report.entries, 'bite');
    expect(bites.length).toBeGreaterThan(2);
    expect(entriesOf(report.entries, 'error')).toEqual([]);
    expect(entriesOf(report.entries, 'recovery').every((r) => r.recovered)).toBe(true);
    expect(report.exitCode).toBe(0);
  });

  it.each([1, 2, 3])('the random-Deployment cookie next to named ones on the same namespace, seed %i', async (seed) => {
    const { sim, clock } = sampleSimulation();
    const serving = watchServingPods(sim, 'openstack');
    const cookies = [
      cookieFrom({ name: '', kind: 'deployment', namespace: 'openstack', target: 1, interval: '200ms' }, 'random-deployment'),
      glance('glance-a'),
      cookieFrom({ name: 'keystone', kind: 'deployment', namespace: 'openstack', target: 'all', interval: '250ms' }, 'keystone-all'),
    ];
    await runOnSimulation(sim, clock, cookies, { seed, chaosDurationMs: 10_000 });
    serving.stop();
    sim.dispose();
    expect(serving.lowest()).toMatchObject({ 'deployment/glance-api': 1, 'deployment/keystone': 1, 'deployment/nova-api': 1, 'deployment/horizon': 1 });
  });

  it('server jobs share one ledger: two jobs on glance-api at once never take it to zero', async () => {
    const { sim, clock } = sampleSimulation();
    const serving = watchServingPods(sim, 'openstack');
    const latency = seededRng(9);
    const registry = createJobRegistry({
      cluster: simCluster(sim, { latencyMs: () => Math.floor(latency() * 20) }),
      clock,
      rng: seededRng(4),
      bite: { dryRun: false, mode: 'delete', gracePeriodSeconds: undefined, allowKubeSystem: false, concurrency: 10, self: undefined },
      recoveryTimeoutMs: 60_000,
      recoveryPollMs: 200,
    });
    const jobs = ['one', 'two', 'three'].map((name) =>
      registry.start({ name, group: 'killpod', cookies: [glance(`glance-${name}`)], source: 'v2', chaosDurationMs: 8_000 }),
    );
    let finished = false;
    void Promise.all(jobs.map((j) => j.finished)).then(() => (finished = true));
    while (!finished) await clock.advance(25);
    serving.stop();
    sim.dispose();
    expect(serving.lowest()['deployment/glance-api']).toBe(1);
    expect(jobs.flatMap((j) => entriesOf(j.log.entries(), 'bite')).length).toBeGreaterThan(2);
  });

  it('dry run decides like a real run: a second cookie at the same moment sees the first one\'s dry-run kill', async () => {
    const firstTick = async (dryRun: boolean) => {
      const { sim, clock } = sampleSimulation();
      const cookies = [glance('glance-a', { interval: '1h' }), glance('glance-b', { interval: '1h' })];
      const { log } = await runOnSimulation(sim, clock, cookies, { seed: 7, chaosDurationMs: 100, bite: { dryRun } });
      sim.dispose();
      return { bites: bitten(log), skips: entriesOf(log.entries(), 'skip').map((s) => [s.cookie, s.reason]) };
    };
    const [real, dry] = [await firstTick(false), await firstTick(true)];
    expect(real.bites).toHaveLength(1);
    expect(dry).toEqual(real);
    expect(dry.skips).toEqual([[expect.stringMatching(/^glance-[ab]$/), 'only-one-available']]);
  });
});

describe('a victim another tick already took', () => {
  it('a DELETE answered 404 is a skip, not an error', async () => {
    const h = harness();
    h.cluster.addWorkload({ kind: 'deployment', namespace: 'ns', name: 'api', replicas: 4 });
    h.cluster.failNext('deletePod', new CookieError('not-found', 'not found: pods "api-1" in namespace "ns"'));
    await biteKillPod(cookieFrom({ name: 'api', kind: 'deployment', namespace: 'ns', target: 2 }), 0, h.ctx);
    expect(entriesOf(h.log.entries(), 'error')).toEqual([]);
    expect(entriesOf(h.log.entries(), 'skip')).toEqual([expect.objectContaining({ reason: 'pod-gone', workload: { kind: 'deployment', namespace: 'ns', name: 'api' } })]);
    expect(bitten(h.log)).toHaveLength(1);
    expect(h.kills).toHaveLength(1);
  });
});
