import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { backendNames } from './lib/backends.js';
import { describeRun, runCli } from './lib/cli.js';
import { recordOutcome } from './lib/compare.js';
import { observePods } from './lib/pod-observer.js';
import { ofKind, xsdProblems } from './lib/reports.js';
import { e2e, stackFrame, uniqueNamespace, useBackend } from './lib/scenario.js';

describe.each(backendNames(e2e))('RBAC against the %s API server', (name) => {
  const backend = useBackend(name);

  it('the RBAC preflight fails with exit 3 before any kill, naming the missing `delete pods` permission in one line', async () => {
    const b = backend();
    const ns = uniqueNamespace('rbac', name);
    await b.createNamespace(ns);
    await b.createDeployment(ns, 'web', 3);
    const before = await b.waitForDeployment(ns, 'web');
    const kubeconfig = join(e2e.workDir, `readonly-${ns}.kubeconfig`);
    await b.writeReadOnlyKubeconfig(ns, kubeconfig);
    const observer = observePods(b.api, ns);

    const run = await runCli(e2e, {
      label: 'rbac',
      kubeconfig,
      cookies: { web: { name: 'web', kind: 'deployment', namespace: ns, target: 1, interval: 1 } },
      args: ['--seed', '17'],
      command: ['sleep', '3'],
    });
    const seen = await observer.stop();
    await recordOutcome(e2e.workDir, 'RBAC without delete pods', name, run);

    // Deploy check passed (get/list allowed); the RBAC preflight refuses before the first kill: exit 3.
    expect(run.code, describeRun(run)).toBe(3);
    expect(run.output).not.toMatch(stackFrame);
    const forbidden = new RegExp(`forbidden.*delete.*pods.*${ns}|cannot delete.*pods.*${ns}`, 'i');
    expect(run.output, describeRun(run)).toMatch(forbidden);
    const errors = ofKind(run.killLog, 'error');
    expect(errors.length, describeRun(run)).toBeGreaterThanOrEqual(1);
    expect(errors.every((e) => e.code === 'forbidden')).toBe(true);
    expect(errors[0]?.message).toMatch(forbidden);
    expect(errors[0]?.message).not.toContain('\n');
    expect(ofKind(run.killLog, 'bite')).toEqual([]);
    expect(ofKind(run.killLog, 'verify-start')).toEqual([]);
    expect(new Set(seen.seen.keys())).toEqual(new Set(before.map((p) => p.uid)));
    expect(await xsdProblems(run.junit)).toBe('');
  });
});
