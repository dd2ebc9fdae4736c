import { afterEach, describe, expect, it } from 'vitest';
import type { ServerDeps } from '../../src/server/server.js';
import { cookieDir, fastKillpod, startApi, startHarness, type Harness } from './harness.js';

/** The flags `serve` was started with are a ceiling: a REST request may narrow them, never widen them. */
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (closers.length) await closers.pop()?.();
});

async function serve(bite: ServerDeps['bite'] = {}): Promise<{ h: Harness; podCount: (namespace: string) => number }> {
  const { api, cluster, close } = await startApi((sim) => {
    sim.addDeployment({ namespace: 'openstack', name: 'keystone', replicas: 10 });
    sim.addDeployment({ namespace: 'kube-system', name: 'keystone', replicas: 10 });
  });
  closers.push(close);
  const h = await startHarness(cluster, await cookieDir({ 'killpod/keystone-chaos.json': fastKillpod({ interval: '20ms' }) }), { bite });
  closers.push(h.close);
  return { h, podCount: (namespace) => api.sim.pods(namespace).length };
}

const post = (body: unknown) => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const kubeSystem = (safety: Record<string, unknown>) => fastKillpod({ namespace: 'kube-system', interval: '20ms', safety });

describe('the server flags are a ceiling for REST requests', () => {
  it.each([
    [
      'an inline cookie allowing kube-system on a server without --allow-kube-system',
      {},
      { cookie: kubeSystem({ allowKubeSystem: true }) },
      'request body: cookie.safety.allowKubeSystem: the server runs without --allow-kube-system, so a request cannot allow kube-system; got true',
    ],
    [
      'dryRun: false on a --dry-run server',
      { dryRun: true },
      { cookie: 'killpod/keystone-chaos', dryRun: false },
      'request body: dryRun: the server runs with --dry-run; a request may turn dry-run on, never off; got false',
    ],
    [
      'an inline cookie with a lower minAvailable than the server floor',
      {},
      { cookie: fastKillpod({ interval: '20ms', safety: { minAvailable: 1 } }) },
      'request body: cookie.safety.minAvailable: expected at least 2 (the server’s floor), got 1',
    ],
    [
      'an inline cookie asking for DELETE on a --mode evict server',
      { mode: 'evict' as const },
      { cookie: fastKillpod({ interval: '20ms', mode: 'delete' }) },
      'request body: cookie.mode: the server kills through the eviction API (--mode evict), so a request cannot ask for "delete"',
    ],
    [
      'an inline cookie with a shorter grace period than --grace-period',
      { gracePeriodSeconds: 30 },
      { cookie: fastKillpod({ interval: '20ms', gracePeriod: 0 }) },
      'request body: cookie.gracePeriod: expected at least 30s (the server’s --grace-period), got 0s',
    ],
    [
      'an inline cookie with its own grace period on a server that keeps each pod’s own',
      {},
      { cookie: fastKillpod({ interval: '20ms', gracePeriod: 1 }) },
      'request body: cookie.gracePeriod: the server keeps each pod’s own grace period (no --grace-period), so a request cannot set one; got 1s',
    ],
  ])('refuses %s: 403 naming the field, no job started', async (_what, bite, body, message) => {
    const { h } = await serve(bite);
    const reply = await h.get('/api/v2/jobs', post(body));
    expect(reply.status).toBe(403);
    expect(JSON.parse(reply.text)).toEqual({ code: 'forbidden', message, hint: expect.stringContaining('a request may narrow the server’s flags') });
    expect(h.server.jobs.all()).toHaveLength(0);
  });

  it('accepts narrower settings: dry-run on, a higher minAvailable, quorum, evict on a delete server, a longer grace period', async () => {
    const { h } = await serve({ gracePeriodSeconds: 5 });
    const dry = await h.get('/api/v2/jobs', post({ cookie: 'killpod/keystone-chaos', dryRun: true }));
    expect(dry.status).toBe(201);
    expect(h.server.jobs.find('keystone-chaos')?.dryRun).toBe(true);
    const strict = await h.get('/api/v2/jobs', post({ name: 'strict', cookie: fastKillpod({ safety: { minAvailable: 5, quorum: true }, mode: 'evict', gracePeriod: 60 }) }));
    expect(strict.status).toBe(201);
  });

  it('allows kube-system from a request when the server itself allows it', async () => {
    const { h, podCount } = await serve({ allowKubeSystem: true });
    const reply = await h.get('/api/v2/jobs', post({ name: 'ks', cookie: kubeSystem({ allowKubeSystem: true }) }));
    expect(reply.status).toBe(201);
    await expect.poll(() => podCount('kube-system'), { timeout: 5000 }).toBeLessThan(10);
  });

  it('keeps a dry-run server dry when the request leaves dryRun out', async () => {
    const { h } = await serve({ dryRun: true });
    expect((await h.get('/api/v2/jobs', post({ cookie: 'killpod/keystone-chaos' }))).status).toBe(201);
    expect(h.server.jobs.find('keystone-chaos')?.dryRun).toBe(true);
  });
});
