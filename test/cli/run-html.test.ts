import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { entriesOf } from '../../src/log/entries.js';
import { readExternalJUnit } from '../../src/report/merge-junit.js';
import { startFakeApiServer, type FakeApiServer } from '../../src/sim/index.js';
import { fixture, runCli, workspace } from './run-cli.js';

const cookie = { name: 'keystone', kind: 'deployment', namespace: 'openstack', target: 1, interval: '300ms' };
const fast = ['--kubeconfig', 'kubeconfig', '--seed', '7'];
const htmlOf = (dir: string): string => readFileSync(join(dir, 'reports', 'cookiemonster-report.html'), 'utf8');

describe('cookiemonster run: the HTML report and attribution (built CLI against the loopback fake API server)', () => {
  let api: FakeApiServer;
  beforeEach(async () => {
    api = await startFakeApiServer({ controllers: { replaceDelayMs: 50, readyDelayMs: 150 } });
    api.sim.addDeployment({ namespace: 'openstack', name: 'keystone', replicas: 3 });
  });
  afterEach(() => api.close());

  it('a failed case overlapping a kill is "failed during chaos", one outside any kill window is said so: JUnit, summary, HTML', async () => {
    const dir = workspace(api.kubeconfigYaml(), { keystone: cookie });
    const go = join(dir, 'go');
    const before = Date.now();
    const run = await runCli(dir, ['run', ...fast, '--verify-junit', 'out/tests.xml', '--', process.execPath, fixture('junit-around-kill.mjs'), go, 'out/tests.xml', String(before)], {
      onStdout: (text) => {
        if (text.includes('delete pod') && !existsSync(go)) writeFileSync(go, '');
      },
    });
    expect(run.exitCode).toBe(1);
    const firstKill = entriesOf(run.entries(), 'bite')[0];
    expect(firstKill).toBeDefined();
    const pod = `${firstKill?.pod.namespace}/${firstKill?.pod.name}`;

    const cases = readExternalJUnit(run.junit(), { defaultSuite: '-' }).filter((c) => c.suite === 'api');
    expect(cases.map((c) => c.systemOut?.split(';')[0])).toEqual([expect.stringMatching(/^chaos: failed during chaos \(ran \+[\d.ms]+ to \+[\d.ms]+\)$/), expect.stringMatching(/^chaos: failed outside any kill window /)]);
    expect(cases[0]?.systemOut).toContain(`${pod} (deployment/keystone, cookie keystone) killed at +`);

    expect(run.stdout).toContain('test cases: 1 failed during chaos, 1 failed outside any kill window');
    expect(run.stdout).toMatch(new RegExp(`  api\\.login during chaos: failed during chaos: .*${pod.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    expect(run.stdout).toContain('  api.login before chaos: failed outside any kill window');

    const html = htmlOf(dir);
    expect(html).toContain('<td class="">api.login during chaos</td><td class=""><span class="bad">failed during chaos</span>');
    expect(html).toContain('<td class="">api.login before chaos</td><td class=""><span class="">failed outside any kill window</span>');
  });

  it('--html names the file; an empty one is refused naming the flag', async () => {
    const dir = workspace(api.kubeconfigYaml(), { keystone: cookie });
    const run = await runCli(dir, ['run', ...fast, '--html', 'elsewhere/r.html', '--', process.execPath, fixture('pass.mjs')]);
    expect(run.exitCode).toBe(0);
    expect(readFileSync(join(dir, 'elsewhere', 'r.html'), 'utf8')).toContain('PASSED (exit 0)');
    expect(run.stdout).toContain('reports: reports/cookiemonster-junit.xml, reports/cookiemonster-kills.jsonl, elsewhere/r.html');
    const bad = await runCli(dir, ['run', ...fast, '--html', '', '--', process.execPath, fixture('pass.mjs')]);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toMatch(/--html: /);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
  });
});
