import { afterEach, describe, expect, it } from 'vitest';
import { cookieDir, startApi, startHarness, type Harness } from './harness.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (closers.length) await closers.pop()?.();
});

const configYaml = `namespace:
  - name: openstack
    resource:
      - kind: deployment
        name: keystone
        target: 1
interval: 0.05
duration: 600
slack: false
`;

async function setup(files: Record<string, unknown>) {
  const { api, cluster, close } = await startApi((sim) => sim.addDeployment({ namespace: 'openstack', name: 'keystone', replicas: 10 }));
  closers.push(close);
  const h: Harness = await startHarness(cluster, await cookieDir(files));
  closers.push(h.close);
  return { api, h };
}

describe('generation-2 routes (/api/v1)', () => {
  it('serves the config, starts the single global run once, and stops it', async () => {
    const { api, h } = await setup({ 'config.yaml': configYaml });
    const config = await h.get('/api/v1/config');
    expect(config.status).toBe(200);
    expect(JSON.parse(config.text)).toEqual({ namespace: [{ name: 'openstack', resource: [{ kind: 'deployment', name: 'keystone', target: 1 }] }], interval: 0.05, duration: 600, slack: false });
    expect(await h.get('/api/v1/pod')).toMatchObject({ status: 200, text: 'Hello World\n' });
    expect((await h.get('/api/v1/pod/stop', { method: 'POST' })).text).toBe('Pod is not currently getting munched...\n');
    expect((await h.get('/api/v1/pod/start', { method: 'POST' })).text).toBe('Cookie Monster Start!!!\n');
    expect((await h.get('/api/v1/pod/start', { method: 'POST' })).text).toBe('Pod is already being munched, ignoring request\n');
    await expect.poll(() => api.sim.pods('openstack').length, { timeout: 5000 }).toBeLessThan(10);
    expect((await h.get('/api/v1/pod/stop', { method: 'POST' })).text).toBe('Cookie Monster Stop!!!\n');
    expect((await h.get('/api/v1/pod/stop', { method: 'POST' })).text).toBe('Pod is not currently getting munched...\n');
    expect(h.server.jobs.find('config')?.cookies.map((c) => c.name)).toEqual(['openstack-deployment-keystone']);
  });

  it('keeps echo-style method routing: GET on a POST route is 405', async () => {
    const { h } = await setup({ 'config.yaml': configYaml });
    expect((await h.get('/api/v1/pod/start')).status).toBe(405);
    expect((await h.get('/api/v1/config', { method: 'POST' })).status).toBe(405);
    expect(h.server.jobs.all()).toHaveLength(0);
  });

  it('without a config.yaml runs every killpod cookie, and says when there is no config', async () => {
    const { h } = await setup({ 'killpod/a.json': { kind: 'deployment', namespace: 'openstack', interval: 60 }, 'killpod/b.json': { kind: 'statefulset', namespace: 'openstack', interval: 60 } });
    expect(await h.get('/api/v1/config')).toMatchObject({ status: 404, text: expect.stringContaining('"code": "not-found"') });
    expect((await h.get('/api/v1/pod/start', { method: 'POST' })).text).toBe('Cookie Monster Start!!!\n');
    expect(h.server.jobs.find('config')?.cookies.map((c) => c.name)).toEqual(['a', 'b']);
  });

  it('reports a broken config as the original start error', async () => {
    const { h } = await setup({ 'config.yaml': 'namespace: []\ninterval: 0\n' });
    const reply = await h.get('/api/v1/pod/start', { method: 'POST' });
    expect(reply.status).toBe(400);
    expect(reply.text).toMatch(/^Cookie Monster Start Error !!! config\.yaml: .*namespace: expected at least one namespace/);
  });
});
