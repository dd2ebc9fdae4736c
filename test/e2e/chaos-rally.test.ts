import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { backendNames } from './lib/backends.js';
import { describeRun, runCli } from './lib/cli.js';
import { recordOutcome } from './lib/compare.js';
import { observePods } from './lib/pod-observer.js';
import { ofKind, readJUnitCases, xsdProblems } from './lib/reports.js';
import { waitForPodsGone } from './lib/workloads.js';
import { e2e, uniqueNamespace, useBackend } from './lib/scenario.js';

const fixture = (file: string): string => join(import.meta.dirname, 'fixtures', file);
const rally = e2e.rally;
const rallyFlags = 'missing' in rally ? [] : ['--rally-config', rally.config, '--rally-deployment', rally.deployment];

describe.skipIf('missing' in rally).each(backendNames(e2e))('chaos while a real Rally task runs, against the %s API server', (name) => {
  const backend = useBackend(name);

  it('kills real pods, sees the replacements, reports recovery times and valid JUnit (exit 0)', async () => {
    const b = backend();
    const ns = uniqueNamespace('chaos', name);
    await b.createNamespace(ns);
    await b.createDeployment(ns, 'web', 3);
    const before = await b.waitForDeployment(ns, 'web');
    const observer = observePods(b.api, ns);

    const run = await runCli(e2e, {
      label: 'chaos-rally',
      kubeconfig: b.kubeconfig,
      cookies: { web: { name: 'web', kind: 'deployment', namespace: ns, target: 1, interval: 2 } },
      args: ['--rally', fixture('rally-chaos-pass.yaml'), ...rallyFlags, '--max-recovery', b.maxRecovery, '--seed', '7'],
    });
    // On a real node the last victims may still be Terminating (grace period, then the kubelet's confirmation).
    await waitForPodsGone(b.api, ns, ofKind(run.killLog, 'bite').map((bite) => bite.pod?.uid ?? ''));
    const seen = await observer.stop();
    await recordOutcome(e2e.workDir, 'chaos under Rally', name, run);

    expect(run.code, describeRun(run)).toBe(0);
    const bites = ofKind(run.killLog, 'bite');
    expect(bites.length, describeRun(run)).toBeGreaterThanOrEqual(3);
    const killed = bites.map((bite) => bite.pod?.uid ?? '');
    expect(new Set(killed).size).toBe(killed.length);
    for (const bite of bites) {
      expect(bite.dryRun).toBe(false);
      expect(bite.pod?.namespace).toBe(ns);
      // The pod existed (we saw it from outside) and is gone now.
      expect(seen.seen.has(bite.pod?.uid ?? ''), `bite ${bite.pod?.name} was never seen in ${ns}`).toBe(true);
      expect(seen.present.has(bite.pod?.uid ?? ''), `bite ${bite.pod?.name} is still there`).toBe(false);
    }
    // The controllers replaced every victim: new UIDs appeared, and the Deployment is back to 3 ready pods.
    const original = new Set(before.map((p) => p.uid));
    const replacements = [...seen.seen.values()].filter((p) => !original.has(p.uid));
    expect(replacements.length).toBeGreaterThanOrEqual(bites.length);
    expect((await b.waitForDeployment(ns, 'web')).length).toBe(3);

    const recoveries = ofKind(run.killLog, 'recovery');
    expect(recoveries.map((r) => r.pod?.uid).sort()).toEqual([...killed].sort());
    for (const r of recoveries) {
      expect(r.recovered).toBe(true);
      expect(r.replacementMs).toBeGreaterThanOrEqual(0);
      expect(r.recoveredMs).toBeGreaterThanOrEqual(r.replacementMs ?? 0);
      // From below: every backend's replacements take at least 300 ms to be Ready (the fake kubelet's and the
      // simulator's ready delay; a real container's start and readiness probe), and recovery waits for Ready.
      expect(r.stages?.ready, JSON.stringify(r)).toBeGreaterThanOrEqual((r.stages?.replacement ?? 0) + 250);
      expect(r.recoveredMs).toBeGreaterThanOrEqual(300);
      expect(r.recoveredMs).toBeLessThan(parseInt(b.maxRecovery, 10) * 1000);
    }

    expect(await xsdProblems(run.junit)).toBe('');
    const cases = await readJUnitCases(run.junit);
    const rallyCases = cases.filter((c) => c.classname === 'Dummy');
    expect(rallyCases.map((c) => c.name)).toContain('dummy');
    expect(rallyCases.filter((c) => c.failure || c.error)).toEqual([]);
    expect(cases.filter((c) => c.failure || c.error)).toEqual([]);
  });

  it('fails with exit 1 when the Rally SLA fails, with Rally’s cases merged into the JUnit', async () => {
    const b = backend();
    const ns = uniqueNamespace('sla', name);
    await b.createNamespace(ns);
    await b.createDeployment(ns, 'web', 3);
    await b.waitForDeployment(ns, 'web');

    const run = await runCli(e2e, {
      label: 'rally-sla',
      kubeconfig: b.kubeconfig,
      cookies: { web: { name: 'web', kind: 'deployment', namespace: ns, target: 1, interval: 3 } },
      args: ['--rally', fixture('rally-sla-fail.yaml'), ...rallyFlags, '--max-recovery', b.maxRecovery, '--seed', '3'],
    });
    await recordOutcome(e2e.workDir, 'Rally SLA fails', name, run);

    expect(run.code, describeRun(run)).toBe(1);
    expect(await xsdProblems(run.junit)).toBe('');
    const cases = await readJUnitCases(run.junit);
    const failedRally = cases.filter((c) => c.classname === 'Dummy' && c.name === 'dummy_random_fail_in_atomic' && c.failure);
    expect(failedRally, cases.map((c) => `${c.suite}/${c.classname}/${c.name}`).join('\n')).toHaveLength(1);
    expect(failedRally[0]?.text).toMatch(/Failure rate/);
  });
});
