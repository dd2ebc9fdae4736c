import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { biteKillPod } from '../../src/core/cookies/killpod.js';
import { quorumOf } from '../../src/core/safety.js';
import { CookieError } from '../../src/errors.js';
import { entriesOf } from '../../src/log/entries.js';
import { bitten, cookieFrom, harness } from './bite-context.js';

const deletes = (h: ReturnType<typeof harness>) => h.cluster.calls.filter((c) => c.method === 'deletePod');

describe('biteKillPod: one tick of a killpod cookie', () => {
  it('a named workload: one running pod of it dies, logged with its workload and availability', async () => {
    const h = harness();
    h.cluster.addWorkload({ kind: 'deployment', namespace: 'openstack', name: 'keystone', replicas: 3 });
    h.cluster.addWorkload({ kind: 'deployment', namespace: 'openstack', name: 'glance', replicas: 3 });
    await biteKillPod(cookieFrom({ name: 'keystone', kind: 'deployment', namespace: 'openstack' }), 0, h.ctx);

    const [bite, ...others] = entriesOf(h.log.entries(), 'bite');
    expect(others).toEqual([]);
    expect(bite).toMatchObject({
      cookie: 'test-cookie',
      tick: 0,
      dryRun: false,
      mode: 'delete',
      workload: { kind: 'deployment', namespace: 'openstack', name: 'keystone' },
      availableBefore: 3,
      desired: 3,
      nodeName: 'node-1',
      at: h.clock.now(),
    });
    expect(bite?.pod.name).toMatch(/^keystone-[0-2]$/);
    expect(h.cluster.pods('openstack').filter((p) => p.name.startsWith('keystone'))).toHaveLength(2);
    expect(h.cluster.pods('openstack').filter((p) => p.name.startsWith('glance'))).toHaveLength(3);
    expect(h.kills).toEqual([expect.objectContaining({ cookie: 'test-cookie', pod: bite?.pod, at: h.clock.now() })]);
    expect(deletes(h)[0]?.args).toEqual([bite?.pod, { gracePeriodSeconds: undefined, serverDryRun: false }]);
  });

  it('the original API cost: one GET of the workload, one pod LIST, one DELETE per kill', async () => {
    const h = harness();
    h.cluster.addWorkload({ kind: 'statefulset', namespace: 'openstack', name: 'mariadb', replicas: 3 });
    await biteKillPod(cookieFrom({ name: 'mariadb', kind: 'statefulset', namespace: 'openstack' }), 0, h.ctx);
    expect(h.cluster.calls.map((c) => c.method)).toEqual(['getWorkload', 'listPods', 'deletePod']);
    expect(h.cluster.calls[1]?.args).toEqual(['openstack', { matchLabels: { app: 'mariadb' } }]);
  });

  it('a random workload: a new pick on every tick, among every workload of the kind', async () => {
    const h = harness({ dryRun: true }, 3);
    for (const name of ['nova-api', 'glance', 'horizon']) h.cluster.addWorkload({ kind: 'deployment', namespace: 'openstack', name, replicas: 3 });
    h.cluster.addWorkload({ kind: 'statefulset', namespace: 'openstack', name: 'mariadb', replicas: 3 });
    const cookie = cookieFrom({ name: '', kind: 'deployment', namespace: 'openstack' });
    for (let tick = 0; tick < 60; tick++) await biteKillPod(cookie, tick, h.ctx);
    const workloads = new Set(entriesOf(h.log.entries(), 'bite').map((e) => e.workload.name));
    expect(workloads).toEqual(new Set(['nova-api', 'glance', 'horizon']));
    expect(h.cluster.calls.filter((c) => c.method === 'listWorkloads')[0]?.args).toEqual(['openstack', 'deployment']);
  });

  it('a missing workload: a skip entry with the original wording, nothing deleted', async () => {
    const h = harness();
    await biteKillPod(cookieFrom({ name: 'keystone', kind: 'deployment', namespace: 'openstack' }), 4, h.ctx);
    expect(h.log.entries()).toEqual([
      {
        kind: 'skip',
        cookie: 'test-cookie',
        tick: 4,
        reason: 'workload-missing',
        message: 'Can not find deployment keystone in namespace openstack, doing nothing',
        at: h.clock.now(),
      },
    ]);
    expect(deletes(h)).toEqual([]);
  });

  it('an empty namespace with a random cookie: skipped, not the crash of the original', async () => {
    const h = harness();
    await biteKillPod(cookieFrom({ name: '', kind: 'daemonset', namespace: 'empty' }), 0, h.ctx);
    expect(entriesOf(h.log.entries(), 'skip')).toEqual([
      expect.objectContaining({ reason: 'no-workload', message: 'Can not find any daemonset in namespace empty, doing nothing' }),
    ]);
  });

  it('no running pod: Pending and Terminating pods are never victims', async () => {
    const h = harness();
    h.cluster.addWorkload({ kind: 'deployment', namespace: 'ns', name: 'api', replicas: 3 });
    h.cluster.setPod('ns', 'api-0', { phase: 'Pending' });
    h.cluster.setPod('ns', 'api-1', { deleting: true });
    h.cluster.setPod('ns', 'api-2', { phase: 'Failed' });
    await biteKillPod(cookieFrom({ name: 'api', kind: 'deployment', namespace: 'ns' }), 0, h.ctx);
    expect(entriesOf(h.log.entries(), 'skip')).toEqual([
      expect.objectContaining({
        reason: 'no-candidates',
        message: 'No running pod of deployment api in namespace ns matches, doing nothing',
        workload: { kind: 'deployment', namespace: 'ns', name: 'api' },
      }),
    ]);
    expect(deletes(h)).toEqual([]);
  });

  it('an empty pod selector never turns into "every pod of the namespace"', async () => {
    const h = harness();
    h.cluster.addWorkload({ kind: 'deployment', namespace: 'ns', name: 'odd', replicas: 3, selector: {} });
    h.cluster.addWorkload({ kind: 'deployment', namespace: 'ns', name: 'bystander', replicas: 3 });
    await biteKillPod(cookieFrom({ name: 'odd', kind: 'deployment', namespace: 'ns' }), 0, h.ctx);
    expect(entriesOf(h.log.entries(), 'skip')[0]?.message).toBe('deployment odd in namespace ns has an empty pod selector, doing nothing');
    expect(deletes(h)).toEqual([]);
  });

  it.each([
    [new CookieError('server-error', 'the API server answered 500 to LIST pods'), 'server-error', 'the API server answered 500 to LIST pods'],
    [new Error('socket hang up'), 'internal', 'socket hang up'],
  ])('an API error becomes an error entry, never a throw: %s', async (error, code, message) => {
    const h = harness();
    h.cluster.addWorkload({ kind: 'deployment', namespace: 'ns', name: 'api', replicas: 3 });
    h.cluster.failNext('listPods', error);
    await expect(biteKillPod(cookieFrom({ name: 'api', kind: 'deployment', namespace: 'ns' }), 2, h.ctx)).resolves.toBeUndefined();
    expect(h.log.entries()).toEqual([{ kind: 'error', cookie: 'test-cookie', tick: 2, code, message, at: h.clock.now() }]);
  });

  it('a failed DELETE is an error entry with its hint; the other victims of the tick still die', async () => {
    const h = harness();
    h.cluster.addWorkload({ kind: 'deployment', namespace: 'ns', name: 'api', replicas: 5 });
    h.cluster.failNext(
      'deletePod',
      new CookieError('forbidden', 'forbidden: cannot delete pods in namespace "ns"', { hint: 'see deploy/rbac.yaml' }),
    );
    await biteKillPod(cookieFrom({ name: 'api', kind: 'deployment', namespace: 'ns', target: 3 }), 0, h.ctx);
    expect(entriesOf(h.log.entries(), 'error')).toEqual([
      expect.objectContaining({ code: 'forbidden', message: 'forbidden: cannot delete pods in namespace "ns"', hint: 'see deploy/rbac.yaml' }),
    ]);
    expect(bitten(h.log)).toHaveLength(2);
    expect(h.kills).toHaveLength(2);
  });

  it('dry run: the same victims as a real run with the same seed, sent as a server-side dry run, nothing deleted', async () => {
    const run = async (dryRun: boolean) => {
      const h = harness({ dryRun }, 77);
      h.cluster.addWorkload({ kind: 'deployment', namespace: 'ns', name: 'api', replicas: 8 });
      h.cluster.addWorkload({ kind: 'deployment', namespace: 'ns', name: 'web', replicas: 8 });
      await biteKillPod(cookieFrom({ name: '', kind: 'deployment', namespace: 'ns', target: 3 }), 0, h.ctx);
      return h;
    };
    const [real, dry] = [await run(false), await run(true)];
    expect(bitten(dry.log)).toEqual(bitten(real.log));
    expect(bitten(dry.log)).toHaveLength(3);
    expect(entriesOf(dry.log.entries(), 'bite').every((e) => e.dryRun)).toBe(true);
    expect(deletes(dry).every((c) => (c.args[1] as { serverDryRun: boolean }).serverDryRun)).toBe(true);
    expect(dry.cluster.pods('ns')).toHaveLength(16);
    expect(real.cluster.pods('ns')).toHaveLength(13);
    expect(dry.kills).toEqual([]);
  });

  it('kube-system is refused without a single API call, unless allowed by flag or cookie', async () => {
    const refused = harness();
    await biteKillPod(cookieFrom({ name: 'coredns', kind: 'deployment', namespace: 'kube-system' }), 0, refused.ctx);
    expect(refused.cluster.calls).toEqual([]);
    expect(entriesOf(refused.log.entries(), 'skip')).toEqual([
      expect.objectContaining({
        reason: 'protected-namespace',
        message: 'kube-system is protected, doing nothing (allow it with --allow-kube-system)',
      }),
    ]);

    for (const [options, file] of [
      [{ allowKubeSystem: true }, {}],
      [{}, { safety: { allowKubeSystem: true } }],
    ] as const) {
      const allowed = harness(options);
      allowed.cluster.addWorkload({ kind: 'deployment', namespace: 'kube-system', name: 'coredns', replicas: 2 });
      await biteKillPod(cookieFrom({ name: 'coredns', kind: 'deployment', namespace: 'kube-system', ...file }), 0, allowed.ctx);
      expect(bitten(allowed.log)).toHaveLength(1);
    }
  });

  it('the safety floor: "Only one pod available, doing nothing", and the floor caps a greedy count', async () => {
    const h = harness();
    h.cluster.addWorkload({ kind: 'deployment', namespace: 'ns', name: 'lonely', replicas: 3, available: 1 });
    h.cluster.addWorkload({ kind: 'deployment', namespace: 'ns', name: 'big', replicas: 5 });
    await biteKillPod(cookieFrom({ name: 'lonely', kind: 'deployment', namespace: 'ns' }), 0, h.ctx);
    await biteKillPod(cookieFrom({ name: 'big', kind: 'deployment', namespace: 'ns', target: 'all' }), 1, h.ctx);
    expect(entriesOf(h.log.entries(), 'skip')).toEqual([
      expect.objectContaining({ tick: 0, reason: 'only-one-available', message: 'Only one pod available, doing nothing' }),
    ]);
    expect(bitten(h.log)).toHaveLength(4);
    expect(h.cluster.workload({ kind: 'deployment', namespace: 'ns', name: 'big' })?.available).toBe(1);
  });

  it('quorum with 7 replicas: all 7 available → at most 3 die; 4 available → none', async () => {
    const h = harness();
    h.cluster.addWorkload({ kind: 'statefulset', namespace: 'test', name: 'rabbitmq', replicas: 7 });
    h.cluster.addWorkload({ kind: 'statefulset', namespace: 'test', name: 'mariadb', replicas: 7, available: 4 });
    const quorumCookie = (name: string) => cookieFrom({ name, kind: 'statefulset', namespace: 'test', target: 'all', safety: { quorum: true } });
    await biteKillPod(quorumCookie('rabbitmq'), 0, h.ctx);
    await biteKillPod(quorumCookie('mariadb'), 0, h.ctx);
    expect(bitten(h.log).every((name) => name.startsWith('rabbitmq-'))).toBe(true);
    expect(bitten(h.log)).toHaveLength(3);
    expect(entriesOf(h.log.entries(), 'skip')).toEqual([expect.objectContaining({ reason: 'quorum' })]);
  });

  it('this process never bites itself', async () => {
    const h = harness({ self: { namespace: 'ns', name: 'api-0' } });
    h.cluster.addWorkload({ kind: 'deployment', namespace: 'ns', name: 'api', replicas: 4 });
    await biteKillPod(cookieFrom({ name: 'api', kind: 'deployment', namespace: 'ns', target: 'all' }), 0, h.ctx);
    expect(bitten(h.log).sort()).toEqual(['api-1', 'api-2', 'api-3']);
  });

  it('eviction mode: evicts; a PodDisruptionBudget refusal is a skip, not an error', async () => {
    const h = harness({ mode: 'evict', gracePeriodSeconds: 5 });
    h.cluster.addWorkload({ kind: 'deployment', namespace: 'ns', name: 'api', replicas: 4 });
    h.cluster.failNext('evictPod', new CookieError('disruption-budget', 'Cannot evict pod as it would violate the pod\'s disruption budget.'));
    await biteKillPod(cookieFrom({ name: 'api', kind: 'deployment', namespace: 'ns', target: 2 }), 0, h.ctx);
    const evictions = h.cluster.calls.filter((c) => c.method === 'evictPod');
    expect(evictions).toHaveLength(2);
    expect(evictions[0]?.args[1]).toEqual({ gracePeriodSeconds: 5, serverDryRun: false });
    expect(entriesOf(h.log.entries(), 'skip')).toEqual([expect.objectContaining({ reason: 'disruption-budget' })]);
    expect(entriesOf(h.log.entries(), 'bite')).toEqual([expect.objectContaining({ mode: 'evict' })]);
    expect(entriesOf(h.log.entries(), 'error')).toEqual([]);
  });

  it("the cookie's own mode and grace period win over the run's", async () => {
    const h = harness({ mode: 'delete', gracePeriodSeconds: 30 });
    h.cluster.addWorkload({ kind: 'deployment', namespace: 'ns', name: 'api', replicas: 3 });
    await biteKillPod(cookieFrom({ name: 'api', kind: 'deployment', namespace: 'ns', mode: 'evict', gracePeriod: 0 }), 0, h.ctx);
    expect(h.cluster.calls.at(-1)).toEqual({ method: 'evictPod', args: [expect.anything(), { gracePeriodSeconds: 0, serverDryRun: false }] });
  });

  it('pod selection from the cookie: extra label selector, annotations, name pattern, minimum age', async () => {
    const h = harness();
    const now = h.clock.now();
    h.cluster.addWorkload({ kind: 'deployment', namespace: 'ns', name: 'api', replicas: 6, createdAt: now - 3_600_000 });
    h.cluster.setPod('ns', 'api-1', { labels: { app: 'api', tier: 'web' }, annotations: { chaos: 'yes' } });
    h.cluster.setPod('ns', 'api-2', { labels: { app: 'api', tier: 'web' }, annotations: { chaos: 'yes' }, createdAt: now - 1_000 });
    h.cluster.setPod('ns', 'api-3', { labels: { app: 'api', tier: 'web' } });
    h.cluster.setPod('ns', 'api-4', { annotations: { chaos: 'yes' } });
    const cookie = cookieFrom({
      name: 'api',
      kind: 'deployment',
      namespace: 'ns',
      target: 'all',
      selector: 'tier=web',
      annotations: { chaos: 'yes' },
      podNamePattern: '^api-[0-9]$',
      minPodAge: '5m',
    });
    await biteKillPod(cookie, 0, h.ctx);
    expect(bitten(h.log)).toEqual(['api-1']);
    // One LIST of every pod of the workload (the floor counts them all); the cookie's selector picks among them.
    expect(h.cluster.calls.filter((c) => c.method === 'listPods').map((c) => c.args)).toEqual([['ns', { matchLabels: { app: 'api' } }]]);
  });

  it('passes the abort signal to every request', async () => {
    const h = harness();
    const controller = new AbortController();
    h.ctx.signal = controller.signal;
    h.cluster.addWorkload({ kind: 'deployment', namespace: 'ns', name: 'api', replicas: 3 });
    controller.abort(new CookieError('cancelled', 'interrupted by SIGTERM'));
    await biteKillPod(cookieFrom({ name: 'api', kind: 'deployment', namespace: 'ns' }), 0, h.ctx);
    expect(entriesOf(h.log.entries(), 'error')).toEqual([expect.objectContaining({ code: 'cancelled', message: 'interrupted by SIGTERM' })]);
    expect(deletes(h)).toEqual([]);
  });
});

describe('property: a real tick never takes a workload below its floor', () => {
  it('for any status, rules and count, deletes ≤ candidates and availability stays ≥ the floor', async () => {
    const count = fc.oneof(
      fc.integer({ min: 1, max: 12 }),
      fc.integer({ min: 1, max: 100 }).map((p) => `${p}%`),
      fc.integer({ min: 1, max: 100 }).map((p) => `max ${p}%`),
      fc.constant('all'),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 12 }).chain((desired) =>
          fc.record({ desired: fc.constant(desired), available: fc.integer({ min: 0, max: desired }) }),
        ),
        fc.record({ minAvailable: fc.integer({ min: 1, max: 5 }), quorum: fc.boolean() }),
        count,
        fc.integer({ min: 0, max: 1_000_000 }),
        async ({ desired, available }, safety, target, seed) => {
          const h = harness({}, seed);
          h.cluster.addWorkload({ kind: 'statefulset', namespace: 'ns', name: 'db', replicas: desired, available });
          await biteKillPod(cookieFrom({ name: 'db', kind: 'statefulset', namespace: 'ns', target, safety }), 0, h.ctx);
          const killed = deletes(h).length;
          const floor = Math.max(1, safety.minAvailable - 1, safety.quorum ? quorumOf(desired) : 0);
          expect(killed).toBeLessThanOrEqual(available);
          if (killed > 0) expect(available - killed).toBeGreaterThanOrEqual(floor);
          expect(entriesOf(h.log.entries(), 'error')).toEqual([]);
          expect(bitten(h.log)).toHaveLength(killed);
        },
      ),
      { numRuns: 400 },
    );
  });
});
