import { afterEach, describe, expect, it } from 'vitest';
import { cookieDir, fastKillpod, startApi, startHarness } from './harness.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (closers.length) await closers.pop()?.();
});

describe('GET /api/v2/jobs/{id}/report.html', () => {
  it("answers the job's HTML report, with every kill so far, while it runs and once finished; 404 for an unknown job", async () => {
    const { api, cluster, close } = await startApi((sim) => sim.addDeployment({ namespace: 'openstack', name: 'keystone', replicas: 30 }), { replaceDelayMs: 10, readyDelayMs: 20 });
    closers.push(close);
    const h = await startHarness(cluster, await cookieDir({ 'killpod/keystone-chaos.json': fastKillpod() }));
    closers.push(h.close);
    await h.get('/api/v2/jobs', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ cookie: 'killpod/keystone-chaos' }) });
    await expect.poll(() => api.sim.workload('deployment', 'openstack', 'keystone')?.status?.availableReplicas, { timeout: 5000 }).toBeLessThan(30);
    const running = await h.get('/api/v2/jobs/keystone-chaos/report.html');
    expect(running.status).toBe(200);
    expect(running.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(running.text).toMatch(/^<!DOCTYPE html>/);
    expect(running.text).toMatch(/<g class="kill [a-z-]+" role="img"><title>openstack\/keystone-/);
    await h.get('/api/v2/jobs/keystone-chaos/stop?wait=1', { method: 'POST' });
    const finished = (await h.get('/api/v2/jobs/keystone-chaos-1/report.html')).text;
    const log = (await h.get('/api/v2/jobs/keystone-chaos-1/log')).text.trim().split('\n').map((line) => JSON.parse(line) as { kind: string; pod?: { name: string } });
    const victims = log.filter((e) => e.kind === 'bite').map((e) => e.pod?.name);
    expect(victims.length).toBeGreaterThan(0);
    for (const victim of victims) expect(finished).toContain(`<title>openstack/${victim} (deployment/keystone, cookie keystone-chaos): killed`);
    expect(finished).toContain('PASSED (exit 0)');
    expect((await h.get('/api/v2/jobs/nope/report.html')).status).toBe(404);
  });
});
