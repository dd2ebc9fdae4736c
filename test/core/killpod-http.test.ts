import { describe, expect, it } from 'vitest';
import type { KillPodCookie } from '../../src/config/schema.js';
import { startChaos, type ChaosOptions } from '../../src/core/chaos.js';
import { seededRng } from '../../src/core/rng.js';
import { createKillLog, entriesOf, type KillLog } from '../../src/log/entries.js';
import { on } from '../../src/sim/index.js';
import { useFakeApiServer, type TestApiServer } from '../helpers/fake-apiserver.js';
import { createFakeClock } from '../helpers/fake-clock.js';
import { bitten, cookieFrom, defaultBiteOptions } from './bite-context.js';

/**
 * The killpod cookie against the REAL client (createCluster) and the loopback fake API server, over HTTP.
 * Time is the fake clock's; the loop is driven tick by tick, waiting in real time for each tick's I/O to finish.
 */
async function runCookie(
  server: TestApiServer,
  cookie: KillPodCookie,
  ticks: number,
  options: Partial<ChaosOptions> = {},
  seed = 1,
): Promise<KillLog> {
  const cluster = await server.connect();
  const clock = createFakeClock();
  const log = createKillLog(clock);
  const chaos = startChaos([cookie], { cluster, clock, rng: seededRng(seed), log }, { ...defaultBiteOptions, ...options });
  for (let tick = 1; tick < ticks; tick++) {
    await clock.whenSleeping(1);
    await clock.advance(cookie.intervalMs);
  }
  await clock.whenSleeping(1);
  await chaos.stop();
  expect(clock.pendingSleeps()).toBe(0);
  return log;
}

const podDeletes = (server: TestApiServer, namespace: string) =>
  server.requests().filter((r) => r.method === 'DELETE' && r.path.startsWith(`/api/v1/namespaces/${namespace}/pods/`));

const podNames = (server: TestApiServer, namespace: string, prefix: string) =>
  server.sim
    .pods(namespace)
    .map((p) => p.metadata.name)
    .filter((name) => name.startsWith(prefix))
    .sort();

describe('killpod over HTTP against the loopback fake API server', () => {
  const api = useFakeApiServer();

  it('3 ticks → exactly 3 DELETE requests, for exactly the pods the kill log names', async () => {
    const { server } = api;
    server.sim.addDeployment({ namespace: 'openstack', name: 'keystone', replicas: 6 });
    server.sim.addDeployment({ namespace: 'openstack', name: 'glance', replicas: 3 });
    const before = podNames(server, 'openstack', 'keystone');
    server.resetLog();

    const log = await runCookie(server, cookieFrom({ name: 'keystone', kind: 'deployment', namespace: 'openstack', interval: 30 }), 3);

    const deletes = podDeletes(server, 'openstack');
    expect(deletes).toHaveLength(3);
    expect(deletes.every((r) => r.status === 200)).toBe(true);
    expect(deletes.map((r) => r.path.split('/').at(-1))).toEqual(bitten(log));
    expect(entriesOf(log.entries(), 'bite').map((e) => e.tick)).toEqual([0, 1, 2]);
    expect(podNames(server, 'openstack', 'keystone')).toEqual(before.filter((name) => !bitten(log).includes(name)));
    expect(podNames(server, 'openstack', 'glance')).toHaveLength(3);
    // The original's cost, never more: the workload, its pods, the DELETE.
    expect(server.requests().length).toBeLessThanOrEqual(3 * 3);
    expect(server.requests().filter((r) => r.method === 'GET' && r.path === '/api/v1/pods')).toEqual([]);
  });

  it('the safety floor holds against real status: 3 replicas lose 2 pods, then "Only one pod available, doing nothing"', async () => {
    const { server } = api;
    server.sim.addStatefulSet({ namespace: 'test', name: 'mariadb', replicas: 3 });
    server.resetLog();
    const log = await runCookie(server, cookieFrom({ name: 'mariadb', kind: 'statefulset', namespace: 'test', interval: 10 }), 4);
    expect(podDeletes(server, 'test')).toHaveLength(2);
    expect(entriesOf(log.entries(), 'skip').map((e) => [e.tick, e.message])).toEqual([
      [2, 'Only one pod available, doing nothing'],
      [3, 'Only one pod available, doing nothing'],
    ]);
    expect(podNames(server, 'test', 'mariadb')).toHaveLength(1);
  });

  it('dry run: DELETE with dryRun=All, the same victims as a real run with the same seed, nothing deleted', async () => {
    const { server } = api;
    server.sim.addDeployment({ namespace: 'ns', name: 'api', replicas: 8 });
    server.sim.addDeployment({ namespace: 'ns', name: 'web', replicas: 8 });
    const cookie = cookieFrom({ name: '', kind: 'deployment', namespace: 'ns', interval: 10, target: 3 });
    server.resetLog();

    const dry = await runCookie(server, cookie, 1, { dryRun: true }, 5);
    const dryDeletes = podDeletes(server, 'ns');
    expect(dryDeletes).toHaveLength(3);
    expect(dryDeletes.every((r) => new URLSearchParams(r.query).get('dryRun') === 'All')).toBe(true);
    expect(server.sim.pods('ns')).toHaveLength(16);
    expect(entriesOf(dry.entries(), 'bite').every((e) => e.dryRun)).toBe(true);

    server.resetLog();
    const real = await runCookie(server, cookie, 1, { dryRun: false }, 5);
    expect(podDeletes(server, 'ns').every((r) => !new URLSearchParams(r.query).has('dryRun'))).toBe(true);
    expect(bitten(real).sort()).toEqual(bitten(dry).sort());
    expect(server.sim.pods('ns')).toHaveLength(13);
  });

  it('an API error is an error entry, and the next tick kills', async () => {
    const { server } = api;
    server.sim.addDeployment({ namespace: 'openstack', name: 'keystone', replicas: 5 });
    server.fail({ match: on('GET', /\/pods$/), status: 403, message: 'pods is forbidden' });
    const log = await runCookie(server, cookieFrom({ name: 'keystone', kind: 'deployment', namespace: 'openstack', interval: 30 }), 2);
    expect(entriesOf(log.entries(), 'error')).toEqual([expect.objectContaining({ tick: 0, code: 'forbidden' })]);
    expect(entriesOf(log.entries(), 'bite').map((e) => e.tick)).toEqual([1]);
    expect(podDeletes(server, 'openstack')).toHaveLength(1);
  });

  it('a missing workload (404) is a skip with the original wording, and no DELETE', async () => {
    const { server } = api;
    server.resetLog();
    const log = await runCookie(server, cookieFrom({ name: 'keystone', kind: 'deployment', namespace: 'openstack', interval: 30 }), 1);
    expect(entriesOf(log.entries(), 'skip').map((e) => e.message)).toEqual([
      'Can not find deployment keystone in namespace openstack, doing nothing',
    ]);
    expect(server.requests().filter((r) => r.method === 'DELETE')).toEqual([]);
  });

  it('kube-system: not a single request', async () => {
    const { server } = api;
    server.sim.addDeployment({ namespace: 'kube-system', name: 'coredns', replicas: 2 });
    server.resetLog();
    const log = await runCookie(server, cookieFrom({ name: 'coredns', kind: 'deployment', namespace: 'kube-system', interval: 30 }), 2);
    expect(server.requests()).toEqual([]);
    expect(entriesOf(log.entries(), 'skip').map((e) => e.reason)).toEqual(['protected-namespace', 'protected-namespace']);
  });
});
