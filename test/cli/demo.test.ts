import { describe, expect, it } from 'vitest';
import { entriesOf } from '../../src/log/entries.js';
import { runCli, workspace } from './run-cli.js';

const glance = { name: 'glance-api', kind: 'deployment', namespace: 'openstack', target: 1, interval: '300ms' };

/** `cookiemonster demo` through the built CLI: its own verifier asks the simulated API twice a second for outages. */
describe('cookiemonster demo (built CLI, black box)', () => {
  it('the shipped demo ends with exit 0 and every kill recovered', async () => {
    const run = await runCli(workspace(undefined, {}), ['demo', '--seed', '1', '--seconds', '6']);
    expect(run.stdout).toMatch(/\[verify\] \d+ checks, 0 outages/);
    const kills = entriesOf(run.entries(), 'bite');
    const recoveries = entriesOf(run.entries(), 'recovery');
    expect(kills.length).toBeGreaterThan(0);
    expect(recoveries.filter((r) => r.recovered)).toHaveLength(kills.length);
    expect(run.exitCode).toBe(0);
  }, 60_000);

  it('two cookies on glance-api (2 replicas) every 300 ms: no outage, exit 0, over 5 seeds', async () => {
    const runs = await Promise.all(
      [1, 2, 3, 4, 5].map((seed) =>
        runCli(workspace(undefined, { 'glance-a': glance, 'glance-b': glance }), ['demo', '--cookies', 'cookies.d', '--seed', String(seed), '--seconds', '5']),
      ),
    );
    for (const run of runs) {
      expect(run.stdout).not.toContain('OUTAGE');
      expect(run.stdout).toMatch(/\[verify\] \d+ checks, 0 outages/);
      expect(entriesOf(run.entries(), 'bite').length).toBeGreaterThan(1);
      expect(entriesOf(run.entries(), 'error')).toEqual([]);
      expect(run.exitCode).toBe(0);
    }
  }, 90_000);
});
