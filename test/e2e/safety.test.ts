import { describe, expect, it } from 'vitest';
import { backendNames } from './lib/backends.js';
import { describeRun, runCli } from './lib/cli.js';
import { recordOutcome } from './lib/compare.js';
import { observePods } from './lib/pod-observer.js';
import { ofKind, xsdProblems } from './lib/reports.js';
import { e2e, uniqueNamespace, useBackend } from './lib/scenario.js';
import { waitForPodsGone } from './lib/workloads.js';

describe.each(backendNames(e2e))('safety against the %s API server', (name) => {
  const backend = useBackend(name);

  it('never kills the only pod of a 1-replica Deployment', async () => {
    const b = backend();
    const ns = uniqueNamespace('solo', name);
    await b.createNamespace(ns);
    await b.createDeployment(ns, 'solo', 1);
    const [pod] = await b.waitForDeployment(ns, 'solo');
    const observer = observePods(b.api, ns);

    const run = await runCli(e2e, {
      label: 'solo',
      kubeconfig: b.kubeconfig,
      cookies: { solo: { name: 'solo', kind: 'deployment', namespace: ns, target: 'all', interval: 1 } },
      args: ['--seed', '5'],
      command: ['sleep', '4'],
    });
    const seen = await observer.stop();
    await recordOutcome(e2e.workDir, '1-replica Deployment', name, run);

    expect(run.code, describeRun(run)).toBe(0);
    expect(ofKind(run.killLog, 'bite')).toEqual([]);
    const skips = ofKind(run.killLog, 'skip');
    expect(skips.length, describeRun(run)).toBeGreaterThanOrEqual(3);
    expect(new Set(skips.map((s) => s.reason))).toEqual(new Set(['only-one-available']));
    expect([...seen.seen.keys()]).toEqual([pod?.uid]);
    expect(seen.present.has(pod?.uid ?? '')).toBe(true);
    expect(await xsdProblems(run.junit)).toBe('');
  });

  it('respects a PodDisruptionBudget in eviction mode (policy/v1 falls back to policy/v1beta1)', async () => {
    const b = backend();
    const ns = uniqueNamespace('pdb', name);
    await b.createNamespace(ns);
    await b.createDeployment(ns, 'guarded', 3);
    await b.createPdb(ns, 'guarded', 'guarded', { minAvailable: 3 });
    const before = await b.waitForDeployment(ns, 'guarded');
    const observer = observePods(b.api, ns);

    const run = await runCli(e2e, {
      label: 'pdb-refuses',
      kubeconfig: b.kubeconfig,
      cookies: { guarded: { name: 'guarded', kind: 'deployment', namespace: ns, target: 1, interval: 1 } },
      args: ['--mode', 'evict', '--seed', '11'],
      command: ['sleep', '4'],
    });
    const seen = await observer.stop();
    await recordOutcome(e2e.workDir, 'PDB refuses eviction', name, run);

    expect(run.code, describeRun(run)).toBe(0);
    expect(ofKind(run.killLog, 'error'), describeRun(run)).toEqual([]);
    expect(ofKind(run.killLog, 'bite')).toEqual([]);
    const skips = ofKind(run.killLog, 'skip');
    expect(skips.length, describeRun(run)).toBeGreaterThanOrEqual(3);
    expect(new Set(skips.map((s) => s.reason))).toEqual(new Set(['disruption-budget']));
    expect(new Set(seen.seen.keys())).toEqual(new Set(before.map((p) => p.uid)));
    expect(await xsdProblems(run.junit)).toBe('');
  });

  it('evicts through the fallback when the PodDisruptionBudget allows it', async () => {
    const b = backend();
    const ns = uniqueNamespace('evict', name);
    await b.createNamespace(ns);
    await b.createDeployment(ns, 'loose', 3);
    await b.createPdb(ns, 'loose', 'loose', { maxUnavailable: 1 });
    await b.waitForDeployment(ns, 'loose');
    const observer = observePods(b.api, ns);

    const run = await runCli(e2e, {
      label: 'pdb-allows',
      kubeconfig: b.kubeconfig,
      cookies: { loose: { name: 'loose', kind: 'deployment', namespace: ns, target: 1, interval: 2 } },
      args: ['--mode', 'evict', '--max-recovery', b.maxRecovery, '--seed', '13'],
      command: ['sleep', '5'],
    });
    // On a real node an evicted pod stays Terminating for seconds; wait for it to go (the test timeout bounds it).
    await waitForPodsGone(b.api, ns, ofKind(run.killLog, 'bite').map((bite) => bite.pod?.uid ?? ''));
    const seen = await observer.stop();
    await recordOutcome(e2e.workDir, 'PDB allows eviction', name, run);

    expect(run.code, describeRun(run)).toBe(0);
    expect(ofKind(run.killLog, 'error'), describeRun(run)).toEqual([]);
    const bites = ofKind(run.killLog, 'bite');
    expect(bites.length, describeRun(run)).toBeGreaterThanOrEqual(1);
    for (const bite of bites) {
      expect(bite.mode).toBe('evict');
      expect(seen.seen.has(bite.pod?.uid ?? '')).toBe(true);
      expect(seen.present.has(bite.pod?.uid ?? '')).toBe(false);
    }
    expect(ofKind(run.killLog, 'recovery').every((r) => r.recovered === true)).toBe(true);
    expect(await xsdProblems(run.junit)).toBe('');
  });
});
