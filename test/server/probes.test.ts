import { afterEach, describe, expect, it } from 'vitest';
import { entriesOf } from '../../src/log/entries.js';
import { parseProbes } from '../../src/probes/load.js';
import { startHttpTarget, type HttpTarget } from '../probes/http-target.js';
import { cookieDir, fastKillpod, startApi, startHarness } from './harness.js';

const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (closers.length) await closers.pop()?.();
});

describe('serve --probes: every job runs the probes', () => {
  it('a breach of an abort:true probe ends the job "aborted", counted in /metrics; a steady state that fails kills nothing', async () => {
    const { api, cluster, close } = await startApi((sim) => sim.addDeployment({ namespace: 'openstack', name: 'keystone', replicas: 20 }));
    closers.push(close);
    const shop: HttpTarget = await startHttpTarget('up');
    closers.push(shop.close);
    const probes = parseProbes([{ name: 'shop', http: { url: shop.url }, every: '20ms', phases: ['before', 'during'], abort: true }], 'test');
    const root = await cookieDir({ 'killpod/k.json': fastKillpod() });
    const h = await startHarness(cluster, root, { probes });
    closers.push(h.close);

    expect((await h.get('/start/killpod/k')).text).toBe('start initiated\n');
    const job = h.server.jobs.find('k');
    await expect.poll(() => entriesOf(job?.log.entries() ?? [], 'bite').length, { timeout: 10_000 }).toBeGreaterThanOrEqual(1);
    shop.set('down');
    await job?.finished;
    expect(job).toMatchObject({ state: 'finished', endReason: 'aborted' });
    expect(job?.report).toMatchObject({ outcome: 'chaos-failed', exitCode: 4, abortReason: expect.stringMatching(/^probe shop breached/) });
    const metrics = (await h.get('/metrics')).text;
    expect(metrics).toContain('cookiemonster_chaos_aborts_total{probe="shop"} 1');
    expect(metrics).toMatch(/cookiemonster_probe_failures_total\{probe="shop",phase="during"\} [1-9]/);

    const before = api.requests().filter((r) => r.method === 'DELETE').length;
    expect((await h.get('/start/killpod/k')).text).toBe('start initiated\n');
    const second = h.server.jobs.find('k');
    await second?.finished;
    expect(second?.report).toMatchObject({ outcome: 'steady-state-failed', exitCode: 3 });
    expect(api.requests().filter((r) => r.method === 'DELETE').length).toBe(before);
  });
});
