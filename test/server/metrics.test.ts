import { afterEach, describe, expect, it } from 'vitest';
import { createMetrics } from '../../src/server/metrics.js';
import type { LogEntry } from '../../src/log/entries.js';
import { cookieDir, fastKillpod, startApi, startHarness, type Harness } from './harness.js';

const workload = { kind: 'deployment' as const, namespace: 'ns', name: 'api' };
const pod = { namespace: 'ns', name: 'api-1', uid: 'u1' };
const recovery = (cookie: string, recoveredMs: number | undefined): LogEntry => ({
  kind: 'recovery', at: 0, cookie, pod, workload, method: 'poll', replacementMs: undefined, recoveredMs, recovered: recoveredMs !== undefined,
});

describe('createMetrics', () => {
  it('renders counters and a cumulative recovery histogram in the Prometheus text format', () => {
    const m = createMetrics();
    const entries: LogEntry[] = [
      { kind: 'bite', at: 0, cookie: 'a"b', tick: 0, dryRun: false, mode: 'delete', pod, nodeName: 'n', workload, availableBefore: 3, desired: 3 },
      { kind: 'bite', at: 0, cookie: 'a"b', tick: 1, dryRun: false, mode: 'delete', pod, nodeName: 'n', workload, availableBefore: 3, desired: 3 },
      { kind: 'skip', at: 0, cookie: 'c', tick: 0, reason: 'only-one-available', message: 'Only one pod available, doing nothing' },
      { kind: 'error', at: 0, cookie: 'c', code: 'forbidden', message: 'x' },
      { kind: 'notify-failed', at: 0, channel: 'slack', message: 'x' },
      recovery('c', 700),
      recovery('c', 4000),
      recovery('c', 1000),
      recovery('c', undefined),
    ];
    entries.forEach((e) => m.observe(e));
    const text = m.render(2);
    expect(text).toContain('# TYPE cookiemonster_kills_total counter\ncookiemonster_kills_total{cookie="a\\"b",dry_run="false"} 2\n');
    expect(text).toContain('cookiemonster_skips_total{cookie="c",reason="only-one-available"} 1\n');
    expect(text).toContain('cookiemonster_errors_total{cookie="c"} 1\n');
    expect(text).toContain('cookiemonster_notify_failures_total{channel="slack"} 1\n');
    expect(text).toContain('cookiemonster_unrecovered_total{cookie="c"} 1\n');
    expect(text).toContain([
      'cookiemonster_recovery_seconds_bucket{cookie="c",le="0.5"} 0',
      'cookiemonster_recovery_seconds_bucket{cookie="c",le="1"} 2',
      'cookiemonster_recovery_seconds_bucket{cookie="c",le="2"} 2',
      'cookiemonster_recovery_seconds_bucket{cookie="c",le="5"} 3',
    ].join('\n'));
    expect(text).toContain('cookiemonster_recovery_seconds_bucket{cookie="c",le="+Inf"} 3\ncookiemonster_recovery_seconds_sum{cookie="c"} 5.7\ncookiemonster_recovery_seconds_count{cookie="c"} 3\n');
    expect(text).toMatch(/# TYPE cookiemonster_running_jobs gauge\ncookiemonster_running_jobs 2\n$/);
    for (const line of text.trimEnd().split('\n')) {
      expect(line).toMatch(/^(# (HELP|TYPE) \w+ .+|[a-z_]+(\{([a-z_]+="([^"\\]|\\.)*",?)+\})? -?[\d.e+]+)$/);
    }
  });
});

describe('/metrics and /healthz on the server', () => {
  let h: Harness | undefined;
  let closeApi: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await h?.close();
    await closeApi?.();
  });

  it('counts kills of a running job and the running-jobs gauge', async () => {
    const { api, cluster, close } = await startApi((sim) => sim.addDeployment({ namespace: 'openstack', name: 'keystone', replicas: 20 }));
    closeApi = close;
    h = await startHarness(cluster, await cookieDir({ 'killpod/k.json': fastKillpod() }));
    expect((await h.get('/metrics')).text).toContain('cookiemonster_running_jobs 0\n');
    await h.get('/start/killpod/k');
    await expect.poll(() => api.sim.pods('openstack').length, { timeout: 5000 }).toBeLessThan(18);
    const metrics = await h.get('/metrics');
    expect(metrics.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(metrics.text).toContain('cookiemonster_running_jobs 1\n');
    const kills = Number(/cookiemonster_kills_total\{cookie="k",dry_run="false"\} (\d+)/.exec(metrics.text)?.[1]);
    expect(kills).toBeGreaterThanOrEqual(2);
    expect(kills).toBeLessThanOrEqual(20 - api.sim.pods('openstack').length);
  });
});
