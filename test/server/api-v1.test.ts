import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryCluster } from '../helpers/memory-cluster.js';
import { cookieDir, startHarness, type Harness } from './harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
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

describe('generation-2 routes (/api/v1)', () => {
  it('serves the config, starts the single global run once, and stops it', async () => {
    const cluster = createMemoryCluster();
    cluster.addWorkload({ kind: 'deployment', namespace: 'openstack', name: 'keystone', replicas: 10 });
    h = await startHarness(cluster, await cookieDir({ 'config.yaml': configYaml }));
    const config = await h.get('/api/v1/config');
    expect(config.status).toBe(200);
    expect(JSON.parse(config.text)).toEqual({ namespace: [{ name: 'openstack', resource: [{ kind: 'deployment', name: 'keystone', target: 1 }] }], interval: 0.05, duration: 600, slack: false });
    expect(await h.get('/api/v1/pod')).toMatchObject({ status: 200, text: 'Hello World\n' });
    expect((await h.get('/api/v1/pod/stop', { method: 'POST' })).text).toBe('Pod is not currently getting munched...\n');
    expect((await h.get('/api/v1/pod/start', { method: 'POST' })).text).toBe('Cookie Monster Start!!!\n');
    expect((await h.get('/api/v1/pod/start', { method: 'POST' })).text).toBe('Pod is already being munched, ignoring request\n');
    await expect.poll(() => cluster.pods('openstack').length, { timeout: 5000 }).toBeLessThan(10);
    expect((await h.get('/api/v1/pod/stop', { method: 'POST' })).text).toBe('Cookie Monster Stop!!!\n');
    expect((await h.get('/api/v1/pod/stop', { method: 'POST' })).text).toBe('Pod is not currently getting munched...\n');
    const job = h.server.jobs.find('config');
    expect(job?.cookies.map((c) => c.name)).toEqual(['openstack-deployment-keystone']);
  });

  it('keeps echo-style method routing: GET on a POST route is 405', async () => {
    h = await startHarness(createMemoryCluster(), await cookieDir({ 'config.yaml': configYaml }));
    expect((await h.get('/api/v1/pod/start')).status).toBe(405);
    expect((await h.get('/api/v1/config', { method: 'POST' })).status).toBe(405);
  });

  it('without a config.yaml runs every killpod cookie, and says when there is no config', async () => {
    const cluster = createMemoryCluster();
    const root = await cookieDir({ 'killpod/a.json': { kind: 'deployment', namespace: 'openstack', interval: 60 }, 'killpod/b.json': { kind: 'statefulset', namespace: 'openstack', interval: 60 } });
    h = await startHarness(cluster, root);
    expect(await h.get('/api/v1/config')).toMatchObject({ status: 404, text: expect.stringContaining('"code": "not-found"') });
    expect((await h.get('/api/v1/pod/start', { method: 'POST' })).text).toBe('Cookie Monster Start!!!\n');
    expect(h.server.jobs.find('config')?.cookies.map((c) => c.name)).toEqual(['a', 'b']);
  });
});
