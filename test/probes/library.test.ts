import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runPipeline } from '../../src/index.js';
import { entriesOf } from '../../src/log/entries.js';
import { startFakeApiServer, type FakeApiServer } from '../../src/sim/index.js';
import { startHttpTarget, type HttpTarget } from './http-target.js';

const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (closers.length) await closers.pop()?.();
});

describe('runPipeline with probes', () => {
  it('onAbort is called once with the reason, which the report carries; chaos stops at the breach', async () => {
    const api: FakeApiServer = await startFakeApiServer({ controllers: { replaceDelayMs: 30, readyDelayMs: 60 } });
    closers.push(() => api.close());
    api.sim.addDeployment({ namespace: 'openstack', name: 'keystone', replicas: 6 });
    const shop: HttpTarget = await startHttpTarget('up');
    closers.push(shop.close);
    const dir = mkdtempSync(join(tmpdir(), 'kcm-lib-probes-'));
    mkdirSync(join(dir, 'killpod'));
    writeFileSync(join(dir, 'killpod', 'keystone.json'), JSON.stringify({ name: 'keystone', kind: 'deployment', namespace: 'openstack', target: 1, interval: '100ms' }));
    writeFileSync(join(dir, 'probes.yaml'), `- name: shop\n  http: { url: "${shop.url}" }\n  every: 20ms\n  phases: [during]\n  abort: true\n`);
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, api.kubeconfigYaml());

    const reasons: string[] = [];
    const report = await runPipeline({
      kubeconfig,
      cookies: dir,
      probes: join(dir, 'probes.yaml'),
      chaosDuration: '30s',
      seed: 5,
      onAbort: (reason) => reasons.push(reason),
      onEntry: (entry) => {
        if (entry.kind === 'bite') shop.set('down');
      },
    });
    expect(reasons).toHaveLength(1);
    expect(report.abortReason).toBe(reasons[0]);
    expect(report).toMatchObject({ outcome: 'chaos-failed', exitCode: 4 });
    expect(report.problems).toContain(`chaos aborted: ${reasons[0]}`);
    const abortAt = entriesOf(report.entries, 'chaos-abort')[0]?.at ?? 0;
    expect(entriesOf(report.entries, 'bite').filter((b) => b.at > abortAt).length).toBeLessThanOrEqual(1);
    expect(entriesOf(report.entries, 'cookie-stop')).toEqual([expect.objectContaining({ reason: 'stopped' })]);
  });
});
