import { describe, expect, it } from 'vitest';
import { backendNames } from './lib/backends.js';
import { describeRun, runCli } from './lib/cli.js';
import { recordOutcome } from './lib/compare.js';
import { ofKind, readJUnitCases, xsdProblems } from './lib/reports.js';
import { e2e, uniqueNamespace, useBackend } from './lib/scenario.js';

describe.each(backendNames(e2e))('deploy check against the %s API server', (name) => {
  const backend = useBackend(name);

  it('passes on a namespace whose workloads are ready (exit 0)', async () => {
    const b = backend();
    const ns = uniqueNamespace('ready', name);
    await b.createNamespace(ns);
    await b.createDeployment(ns, 'web', 2);
    await b.createDeployment(ns, 'api', 3);
    await b.waitForDeployment(ns, 'web');
    await b.waitForDeployment(ns, 'api');

    const run = await runCli(e2e, {
      label: 'deploy-ok',
      kubeconfig: b.kubeconfig,
      cookies: { web: { name: 'web', kind: 'deployment', namespace: ns, target: 1, interval: 30 } },
      args: ['--check', ns, '--ready-timeout', '20s', '--dry-run', '--seed', '1'],
      command: ['true'],
    });
    await recordOutcome(e2e.workDir, 'deploy check passes', name, run);

    expect(run.code, describeRun(run)).toBe(0);
    const checks = ofKind(run.killLog, 'deploy-check');
    expect(checks.map((c) => [String(c.name).split('/').at(-1), c['ready']]).sort()).toEqual([
      ['api', true],
      ['web', true],
    ]);
    expect(ofKind(run.killLog, 'verify-start')).toHaveLength(1);
    // --dry-run: the bite names a real pod, and the API server deleted nothing.
    expect(ofKind(run.killLog, 'bite').every((e) => e.dryRun === true)).toBe(true);
    expect((await b.waitForDeployment(ns, 'web')).length).toBe(2);
    expect(await xsdProblems(run.junit)).toBe('');
    const deployCases = (await readJUnitCases(run.junit)).filter((c) => c.suite === 'deploy-check');
    expect(deployCases.length).toBeGreaterThanOrEqual(2);
    expect(deployCases.filter((c) => c.failure || c.error)).toEqual([]);
  });

  it('fails with exit 3 on a Deployment that never becomes ready, before any chaos', async () => {
    const b = backend();
    const ns = uniqueNamespace('stuck', name);
    await b.createNamespace(ns);
    await b.createDeployment(ns, 'stuck', 2, { neverReady: true });

    const run = await runCli(e2e, {
      label: 'deploy-stuck',
      kubeconfig: b.kubeconfig,
      cookies: { stuck: { name: 'stuck', kind: 'deployment', namespace: ns, target: 1, interval: 1 } },
      args: ['--ready-timeout', '4s', '--seed', '1'],
      command: ['true'],
    });
    await recordOutcome(e2e.workDir, 'deploy check never ready', name, run);

    expect(run.code, describeRun(run)).toBe(3);
    const checks = ofKind(run.killLog, 'deploy-check');
    expect(checks.length).toBeGreaterThanOrEqual(1);
    expect(checks.find((c) => String(c.name).endsWith('stuck'))?.['ready']).toBe(false);
    expect(ofKind(run.killLog, 'verify-start')).toEqual([]);
    expect(ofKind(run.killLog, 'bite')).toEqual([]);
    expect(run.output).toContain('stuck');
    expect(await xsdProblems(run.junit)).toBe('');
    const failed = (await readJUnitCases(run.junit)).filter((c) => c.suite === 'deploy-check' && (c.failure || c.error));
    expect(failed.map((c) => c.name).join(' ')).toContain('stuck');
  });
});
