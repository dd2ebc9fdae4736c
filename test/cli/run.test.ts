import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { entriesOf } from '../../src/log/entries.js';
import { startFakeApiServer, type FakeApiServer } from '../../src/sim/index.js';
import { wasmSchemaErrors } from '../report/xsd.js';
import { fixture, runCli, workspace } from './run-cli.js';

const cookie = { name: 'keystone', kind: 'deployment', namespace: 'openstack', target: 1, interval: '500ms' };
const fast = ['--kubeconfig', 'kubeconfig', '--seed', '7'];

describe('cookiemonster run (built CLI against the loopback fake API server)', () => {
  let api: FakeApiServer;
  beforeEach(async () => {
    api = await startFakeApiServer({ controllers: { replaceDelayMs: 50, readyDelayMs: 150 } });
    api.sim.addDeployment({ namespace: 'openstack', name: 'keystone', replicas: 3 });
    api.sim.addDeployment({ namespace: 'openstack', name: 'horizon', replicas: 1 });
  });
  afterEach(() => api.close());

  it('passes: kills while the command runs, every killed UID really disappeared, recovery measured, valid JUnit', async () => {
    const dir = workspace(api.kubeconfigYaml(), { keystone: cookie });
    const before = new Set(api.sim.podsOf('deployment', 'openstack', 'keystone').map((p) => p.metadata.uid));
    const run = await runCli(dir, ['run', ...fast, '--max-recovery', '5s', '--', process.execPath, '-e', 'setTimeout(() => {}, 1800)']);
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    const entries = run.entries();
    const bites = entriesOf(entries, 'bite');
    expect(bites.length).toBeGreaterThanOrEqual(3);
    const alive = new Set(api.sim.pods('openstack').map((p) => p.metadata.uid));
    for (const bite of bites) {
      expect(bite.dryRun).toBe(false);
      expect(alive.has(bite.pod.uid)).toBe(false);
    }
    expect(before.has(bites[0]?.pod.uid ?? '')).toBe(true);
    const recoveries = entriesOf(entries, 'recovery');
    expect(recoveries).toHaveLength(bites.length);
    expect(recoveries.every((r) => r.recovered && (r.recoveredMs ?? 0) > 0 && (r.replacementMs ?? -1) >= 0)).toBe(true);
    expect(await wasmSchemaErrors(run.junit())).toEqual([]);
    expect(run.stdout).toContain('PASSED (exit 0)');
  });

  it('exit 1 when the verification command fails; its output is streamed with a prefix', async () => {
    const dir = workspace(api.kubeconfigYaml(), { keystone: cookie });
    const run = await runCli(dir, ['run', ...fast, '--', process.execPath, fixture('fail.mjs')]);
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain('[verify] fail: checking');
    expect(run.stderr).toContain('[verify] fail: something broke');
    expect(run.junit()).toMatch(/<failure[^>]*message="[^"]*exited with code 3/);
    expect(await wasmSchemaErrors(run.junit())).toEqual([]);
  });

  it('a noisy command: every line streamed with the prefix, a bounded output tail in a valid JUnit', async () => {
    const dir = workspace(api.kubeconfigYaml(), { keystone: cookie });
    const run = await runCli(dir, ['run', ...fast, '--', process.execPath, fixture('noisy.mjs'), '2000', '200000']);
    expect(run.exitCode).toBe(0);
    const streamed = (text: string, name: string) => text.split('\n').filter((line) => line.startsWith(`[verify] ${name} line `)).length;
    expect(streamed(run.stdout, 'out')).toBe(2000);
    expect(streamed(run.stderr, 'err')).toBe(2000);
    expect(run.stdout).toContain('[verify] € split');
    expect(run.stdout).toContain('[verify] out last line without newline');
    const xml = run.junit();
    expect(xml.length).toBeLessThan(150_000);
    expect(xml).toContain('out last line without newline');
    expect(await wasmSchemaErrors(xml)).toEqual([]);
  });

  it('a hanging command is terminated at --verify-timeout, SIGKILL after --kill-after when it ignores SIGTERM', async () => {
    const dir = workspace(api.kubeconfigYaml(), { keystone: cookie });
    const run = await runCli(dir, ['run', ...fast, '--verify-timeout', '1s', '--kill-after', '500ms', '--', process.execPath, fixture('ignore-sigterm.mjs')]);
    expect(run.exitCode).toBe(1);
    expect(entriesOf(run.entries(), 'verify-end')[0]).toMatchObject({ timedOut: true, signal: 'SIGKILL' });
    expect(await wasmSchemaErrors(run.junit())).toEqual([]);
  });

  it.each([
    ['a passed run fails with exit 2, saying the test itself passed', 0, 2],
    ['a failed run keeps its own exit code', 1, 1],
  ])('a report that cannot be written: one line naming the flag, path and cause; the other reports are written; %s', async (_, verifyExit, expected) => {
    const dir = workspace(api.kubeconfigYaml(), { keystone: { ...cookie, interval: '1h' } });
    writeFileSync(join(dir, 'blocker'), 'a file where the report wants a folder');
    const run = await runCli(dir, ['run', ...fast, '--html', 'blocker/report.html', '--', process.execPath, '-e', `process.exit(${verifyExit})`]);
    expect(run.exitCode).toBe(expected);
    const lines = run.stderr.trim().split('\n');
    const passedNote = verifyExit === 0 ? ' \\(the chaos test itself passed\\)' : '';
    expect(lines).toEqual([expect.stringMatching(new RegExp(`^cookiemonster: --html: cannot write /.*/blocker/report\\.html: a parent path is a file, not a directory \\((EEXIST|ENOTDIR)\\)${passedNote}$`))]);
    if (verifyExit !== 0) expect(lines[0]).not.toContain('passed');
    expect(await wasmSchemaErrors(run.junit())).toEqual([]);
    expect(entriesOf(run.entries(), 'run-end')).toEqual([expect.objectContaining({ exitCode: verifyExit })]);
    expect(run.stdout).toContain(verifyExit === 0 ? 'PASSED' : 'FAILED');
  });

  it('SIGTERM mid-run: stops, writes a valid partial report and the HTML report marked interrupted, exits 143', async () => {
    const dir = workspace(api.kubeconfigYaml(), { keystone: cookie });
    let sent = false;
    const run = await runCli(dir, ['run', ...fast, '--', process.execPath, fixture('hang.mjs')], {
      onStdout: (text, kill) => {
        if (!sent && text.includes('delete pod')) {
          sent = true;
          kill('SIGTERM');
        }
      },
    });
    expect(run.exitCode).toBe(143);
    const xml = run.junit();
    expect(xml).toContain('interrupted');
    expect(await wasmSchemaErrors(xml)).toEqual([]);
    expect(entriesOf(run.entries(), 'run-end')[0]).toMatchObject({ outcome: 'interrupted', exitCode: 143 });
    // The HTML report is written too, marked interrupted, with the kills so far.
    const html = readFileSync(join(dir, 'reports', 'cookiemonster-report.html'), 'utf8');
    expect(html).toContain('INTERRUPTED (exit 143)');
    const bites = entriesOf(run.entries(), 'bite');
    expect(bites.length).toBeGreaterThan(0);
    for (const bite of bites) expect(html).toContain(`<title>${bite.pod.namespace}/${bite.pod.name} (deployment/keystone, cookie keystone): killed`);
  });

  it('exit 3 naming the workload when the deploy check times out', async () => {
    api.sim.addDeployment({ namespace: 'openstack', name: 'stuck', replicas: 2, ready: 0 });
    const dir = workspace(api.kubeconfigYaml(), { stuck: { ...cookie, name: 'stuck' } });
    const run = await runCli(dir, ['run', ...fast, '--ready-timeout', '1s', '--', process.execPath, fixture('pass.mjs')]);
    expect(run.exitCode).toBe(3);
    expect(run.stdout).toContain('not ready: deployment/openstack/stuck');
    expect(entriesOf(run.entries(), 'bite')).toHaveLength(0);
    expect(await wasmSchemaErrors(run.junit())).toEqual([]);
  });

  it('never kills a 1-replica Deployment: "Only one pod available, doing nothing"', async () => {
    const dir = workspace(api.kubeconfigYaml(), { horizon: { ...cookie, name: 'horizon' } });
    const run = await runCli(dir, ['run', ...fast, '--', process.execPath, '-e', 'setTimeout(() => {}, 1200)']);
    expect(run.exitCode).toBe(0);
    const entries = run.entries();
    expect(entriesOf(entries, 'bite')).toHaveLength(0);
    expect(entriesOf(entries, 'skip').map((s) => s.message)).toContain('Only one pod available, doing nothing');
    expect(run.junit()).toContain('<skipped');
  });

  it('--dry-run deletes nothing and names the same victims as a real run with the same seed', async () => {
    const dir = workspace(api.kubeconfigYaml(), { keystone: cookie });
    const uids = () => api.sim.pods('openstack').map((p) => p.metadata.uid).sort();
    const before = uids();
    const dry = await runCli(dir, ['run', ...fast, '--dry-run', '--chaos-duration', '200ms']);
    expect(dry.exitCode).toBe(0);
    expect(uids()).toEqual(before);
    expect(api.requests().filter((r) => r.method === 'DELETE').every((r) => r.query.includes('dryRun=All'))).toBe(true);
    const dryVictim = entriesOf(dry.entries(), 'bite')[0];
    expect(dryVictim?.dryRun).toBe(true);
    const real = await runCli(dir, ['run', ...fast, '--chaos-duration', '200ms']);
    expect(entriesOf(real.entries(), 'bite')[0]?.pod).toEqual(dryVictim?.pod);
  });

  it('exit 4 when recovery is slower than --max-recovery', async () => {
    api.sim.startControllers({ replaceDelayMs: 100, readyDelayMs: 1500 });
    const dir = workspace(api.kubeconfigYaml(), { keystone: { ...cookie, interval: '10s' } });
    const run = await runCli(dir, ['run', ...fast, '--max-recovery', '300ms', '--recovery-timeout', '5s', '--', process.execPath, fixture('pass.mjs')]);
    expect(run.exitCode).toBe(4);
    expect(run.stdout).toMatch(/slow recovery: deployment\/openstack\/keystone .* over the 300ms SLO/);
    expect(run.junit()).toMatch(/<failure[^>]*over the 300ms SLO/);
  });

  it('records API failures mid-run and keeps the verifier running; the step fails with exit 4', async () => {
    const dir = workspace(api.kubeconfigYaml(), { keystone: cookie });
    api.fail({ status: 403, times: 1000, match: (method) => method === 'DELETE' });
    const run = await runCli(dir, ['run', ...fast, '--', process.execPath, '-e', 'setTimeout(() => {}, 1200)']);
    expect(run.exitCode).toBe(4);
    const errors = entriesOf(run.entries(), 'error');
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0]?.code).toBe('forbidden');
    expect(entriesOf(run.entries(), 'verify-end')[0]?.exitCode).toBe(0);
  });
});

describe('cookiemonster run: usage errors', () => {
  it('without any kubeconfig fails with exit 2 and points at demo', async () => {
    const dir = workspace(undefined, { keystone: cookie });
    const run = await runCli(dir, ['run', '--', 'true']);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(/no kubeconfig found/);
    expect(run.stderr).toContain('cookiemonster demo');
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('a bad flag value is one line naming the flag, exit 2', async () => {
    const dir = workspace(undefined, { keystone: cookie });
    const run = await runCli(dir, ['run', '--ready-timeout', 'soon', '--', 'true']);
    expect(run.exitCode).toBe(2);
    expect(run.stderr.trim()).toBe('cookiemonster: --ready-timeout: expected a duration like "5m", got "soon"');
  });

  it('an unknown flag is a usage error', async () => {
    const dir = workspace(undefined, { keystone: cookie });
    const run = await runCli(dir, ['run', '--chaos-duraton', '1m']);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(/Unknown argument/);
  });
});
