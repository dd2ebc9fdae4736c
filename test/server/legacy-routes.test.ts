import { afterEach, describe, expect, it } from 'vitest';
import { cookieDir, fastKillpod, podNames, startApi, startHarness, type Harness } from './harness.js';
import type { TestApiServer } from '../helpers/fake-apiserver.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (closers.length) await closers.pop()?.();
});

async function setup(): Promise<{ api: TestApiServer; h: Harness }> {
  const { api, cluster, close } = await startApi((sim) => {
    sim.addNode('node-1');
    sim.addDeployment({ namespace: 'openstack', name: 'keystone', replicas: 40 });
  });
  closers.push(close);
  const root = await cookieDir({
    'killpod/keystone-chaos.json': fastKillpod({ safety: { minAvailable: 1 } }),
    'killpod/openstack-random-deployment.json': { name: '', kind: 'deployment', namespace: 'openstack', target: 1, interval: 30, duration: 600, slack: false },
    'nodeexec/test-exec-all.json': { target: 'all', commands: [{ command: 'ps', parameters: ['aux'] }] },
  });
  const h = await startHarness(cluster, root, { logFormat: 'legacy' });
  closers.push(h.close);
  return { api, h };
}

describe('generation-1 routes, driven as the README curl calls them', () => {
  it('lists cookies, by group and all, and shows a raw cookie file', async () => {
    const { h } = await setup();
    expect(await h.get('/list')).toMatchObject({ status: 200, text: 'keystone-chaos\nopenstack-random-deployment\ntest-exec-all\n' });
    expect((await h.get('/list/killpod')).text).toBe('keystone-chaos\nopenstack-random-deployment\n');
    expect((await h.get('/list/nodeexec')).text).toBe('test-exec-all\n');
    expect((await h.get('/list/bogus')).text).toBe('invalid group specified\n');
    const shown = await h.get('/show/killpod/openstack-random-deployment');
    expect(JSON.parse(shown.text)).toEqual({ name: '', kind: 'deployment', namespace: 'openstack', target: 1, interval: 30, duration: 600, slack: false });
    expect(await h.get('/show/killpod/nope')).toMatchObject({ status: 404, text: expect.stringContaining('cookie killpod/nope not found') });
  });

  it('starts a killpod job, ignores a second start, reports it, and stops it', async () => {
    const { api, h } = await setup();
    const before = podNames(api.sim, 'openstack');
    expect(await h.get('/start/killpod/keystone-chaos')).toMatchObject({ status: 200, text: 'start initiated\n' });
    expect(await h.get('/start/killpod/keystone-chaos', { method: 'POST' })).toMatchObject({ status: 200, text: 'start initiated\n' });
    expect(h.lines.some((l) => /^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d pod keystone-chaos is already being munched, ignoring request$/.test(l))).toBe(true);
    expect((await h.get('/status/killpod')).text).toBe('Running Jobs:\nkeystone-chaos\n');
    await expect.poll(() => api.sim.pods('openstack').length, { timeout: 5000 }).toBeLessThanOrEqual(37);

    expect(await h.get('/stop/killpod/keystone-chaos')).toMatchObject({ status: 200, text: 'stop initiated\n' });
    await expect.poll(async () => (await h.get('/status/killpod')).text).toBe('Running Jobs:\n');
    // The job leaves the running list at once; its tick in flight ends, and its last entries come, a moment later.
    await h.server.jobs.find('keystone-chaos')?.finished;
    const left = podNames(api.sim, 'openstack');
    const killed = before.filter((name) => !left.includes(name));
    expect(h.server.jobs.all()).toHaveLength(1);
    const status = (await h.get('/status/killpod/keystone-chaos')).text;
    expect(status).toMatch(/^Job Status:\nname: keystone-chaos\nid: keystone-chaos-1\nstate: (stopping|finished) \(stopped\)\n/);
    expect(status).toContain(`kills: ${killed.length}\n`);
    expect(status).toMatch(/stopTime: \d{4}-/);
    const victims = status.split('\n').filter((l) => /^ {2}\d{4}-\S+ openstack\/keystone-\S+ \(deployment\/keystone on node-1\)/.test(l));
    expect(victims.map((l) => /openstack\/(\S+)/.exec(l)?.[1]).sort()).toEqual(killed.sort());
    expect(h.lines.filter((l) => / Eating pod keystone-\S+ NOM NOM NOM!!!!$/.test(l))).toHaveLength(killed.length);
    expect(h.lines.some((l) => l.endsWith('Cookie Time!!! Feast starting on 1 pod of deployment/keystone in openstack'))).toBe(true);
    expect(h.lines.some((l) => l.endsWith('Done snacking on keystone-chaos'))).toBe(true);
  });

  it('answers stop and status for idle, nodeexec and unknown groups with the original words', async () => {
    const { h } = await setup();
    expect((await h.get('/stop/killpod/keystone-chaos')).text).toBe('stop initiated\n');
    expect(h.lines.some((l) => l.endsWith('keystone-chaos is not currently getting munched'))).toBe(true);
    expect((await h.get('/stop/nodeexec/test-exec-all')).text).toBe('can not stop a nodeexec job\n');
    expect((await h.get('/stop/bogus/x', { method: 'DELETE' })).text).toBe('invalid group specified\n');
    expect((await h.get('/start/bogus/x')).text).toBe('invalid group specified\n');
    expect((await h.get('/status/running')).text).toBe('invalid group specified\n');
    expect((await h.get('/status/completed')).text).toBe('invalid group specified\n');
    expect((await h.get('/status/killpod')).text).toBe('Running Jobs:\n');
    expect((await h.get('/status/nodeexec')).text).toBe('Jobs:\n');
    expect(await h.get('/status/killpod/never')).toMatchObject({ status: 404, text: 'Job Status:\nno killpod job named never\n' });
    expect(await h.get('/start/killpod/missing')).toMatchObject({ status: 404 });
    expect(await h.get('/nowhere')).toMatchObject({ status: 404, text: expect.stringContaining('no route /nowhere') });
  });

  it('refuses an invalid cookie file with its one-line problem', async () => {
    const { cluster, close } = await startApi();
    closers.push(close);
    const root = await cookieDir({ 'killpod/bad.json': { kind: 'deployment', namespace: 'openstack', interval: 0 } });
    const h = await startHarness(cluster, root);
    closers.push(h.close);
    const reply = await h.get('/start/killpod/bad');
    expect(reply.status).toBe(400);
    expect(reply.text).toMatch(/^killpod\/bad: .*bad\.json: interval: expected a positive number of seconds, got 0\n$/);
  });
});

describe('the original README "Test it" session', () => {
  it("starts the server and drives the original routes with plain HTTP exactly as the seed's curl calls did", async () => {
    // Namespace test, mariadb with 7 replicas (the README's `--set replicas=7`), the shipped test-mariadb cookie.
    const { api, cluster, close } = await startApi((sim) => {
      sim.addNode('node-1');
      sim.addStatefulSet({ namespace: 'test', name: 'mariadb', replicas: 7 });
    });
    closers.push(close);
    const root = await cookieDir({
      'killpod/test-mariadb.json': '{"name":"mariadb","kind":"statefulset","namespace":"test","target":1,"interval":30,"duration":600,"slack":false}',
      'nodeexec/test-exec-all.json': '{"target":"all","commands":[{"command":"ps","parameters":["aux"]}]}',
    });
    const h = await startHarness(cluster, root, { logFormat: 'legacy' });
    closers.push(h.close);
    // curl localhost:30003/<route>: GET, no headers, plain-text answers.
    const curl = async (route: string): Promise<string> => (await fetch(`${h.url}${route}`)).text();

    expect(await curl('/list')).toBe('test-mariadb\ntest-exec-all\n');
    expect(await curl('/list/killpod')).toBe('test-mariadb\n');
    expect(JSON.parse(await curl('/show/killpod/test-mariadb'))).toMatchObject({ name: 'mariadb', kind: 'statefulset', namespace: 'test' });
    expect(await curl('/start/killpod/test-mariadb')).toBe('start initiated\n');
    expect(await curl('/status/killpod')).toBe('Running Jobs:\ntest-mariadb\n');
    // The first kill is immediate (the original waited one interval).
    await expect.poll(() => api.sim.pods('test').length, { timeout: 5000 }).toBe(6);
    expect(await curl('/status/killpod/test-mariadb')).toMatch(/^Job Status:\nname: test-mariadb\nid: test-mariadb-1\nstate: running\n[\s\S]*kills: 1\n[\s\S]*victims:\n {2}\S+ test\/mariadb-\d \(statefulset\/mariadb on node-1\)\n/);
    expect(await curl('/stop/killpod/test-mariadb')).toBe('stop initiated\n');
    expect(await curl('/stop/nodeexec/test-exec-all')).toBe('can not stop a nodeexec job\n');
    expect(await curl('/status/running')).toBe('invalid group specified\n');
    await expect.poll(() => curl('/status/killpod')).toBe('Running Jobs:\n');
    expect(await curl('/status/killpod/test-mariadb')).toMatch(/\nstopTime: \d{4}-\d\d-\d\dT[\s\S]*\nkills: 1\n/);
    expect(h.lines.filter((l) => / Eating pod mariadb-\d NOM NOM NOM!!!!$/.test(l))).toHaveLength(1);
  });
});
