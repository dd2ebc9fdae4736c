import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import fc from 'fast-check';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { toJUnitXml } from '../../src/report/junit.js';
import { readExternalJUnit } from '../../src/report/merge-junit.js';
import type { ExternalCase, RunReport } from '../../src/report/types.js';
import { sampleReport, sampleVerification, t0 } from './sample-report.js';
import { wasmSchemaErrors, xmllintAvailable, xmllintSchemaErrors } from './xsd.js';

const goldenFile = new URL('./fixtures/golden-junit.xml', import.meta.url);

/** Our own XML read back as cases: what a CI server would show (their start times are tested in test/report/attribution.test.ts). */
function casesOf(xml: string): ExternalCase[] {
  return readExternalJUnit(xml, { defaultSuite: '(none)' }).map(({ start: _start, ...c }) => c);
}

/** System-out without the leading `chaos: …` lines of the attribution. */
const withoutChaosNote = (text: string | undefined): string => (text ?? '').replace(/^(chaos: [^\n]*(\n|$))+/, '').trim();

function find(cases: ExternalCase[], suite: string, name: string): ExternalCase {
  const found = cases.find((c) => c.suite === suite && c.name === name);
  if (!found) throw new Error(`no case ${suite} › ${name} in ${cases.map((c) => `${c.suite} › ${c.name}`).join(', ')}`);
  return found;
}

function passingReport(): RunReport {
  const report = sampleReport();
  const entries = report.entries.filter((e) => e.kind !== 'error' && e.kind !== 'skip' && e.kind !== 'exec' && !(e.kind === 'bite' && e.tick > 1 && !e.dryRun) && e.kind !== 'recovery');
  entries.push({ kind: 'recovery', at: t0 + 18_200, cookie: 'keystone-killer', pod: { namespace: 'openstack', name: 'keystone-7d9f-abc', uid: 'uid-1' }, workload: { kind: 'deployment', namespace: 'openstack', name: 'keystone' }, method: 'watch', replacementMs: 900, recoveredMs: 4_200, recovered: true });
  return {
    ...report,
    outcome: 'passed',
    exitCode: 0,
    interrupted: undefined,
    deployCheck: report.deployCheck.map((c) => ({ ...c, ready: true })),
    verification: { ...sampleVerification, exitCode: 0, failed: false, shortMessage: 'passed' },
    externalCases: [],
    entries,
    problems: [],
  };
}

describe('toJUnitXml', () => {
  it('matches the golden file (fixed report, fixed clock values)', () => {
    const xml = toJUnitXml(sampleReport());
    if (process.env['UPDATE_GOLDEN'] === '1') writeFileSync(goldenFile, xml);
    expect(existsSync(goldenFile), 'golden file missing: UPDATE_GOLDEN=1 npx vitest run test/report/junit.test.ts writes it').toBe(true);
    expect(xml).toBe(readFileSync(goldenFile, 'utf8'));
  });

  it('writes the same bytes in any time zone', () => {
    const saved = process.env['TZ'];
    try {
      process.env['TZ'] = 'Pacific/Kiritimati';
      const far = toJUnitXml(sampleReport());
      process.env['TZ'] = 'America/Los_Angeles';
      expect(toJUnitXml(sampleReport())).toBe(far);
      expect(far).toContain('timestamp="2026-11-24T09:00:00"');
    } finally {
      if (saved === undefined) delete process.env['TZ'];
      else process.env['TZ'] = saved;
    }
  });

  it('validates against the Jenkins XSD with xmllint-wasm', async () => {
    expect(await wasmSchemaErrors(toJUnitXml(sampleReport()))).toEqual([]);
    expect(await wasmSchemaErrors(toJUnitXml(passingReport()))).toEqual([]);
  });

  it.skipIf(!xmllintAvailable)('validates against the Jenkins XSD with xmllint (Debian libxml2-utils)', () => {
    expect(xmllintSchemaErrors(toJUnitXml(sampleReport()))).toEqual([]);
    expect(xmllintSchemaErrors(toJUnitXml(passingReport()))).toEqual([]);
  });
  if (!xmllintAvailable) console.warn('xmllint not found: skipping the xmllint check (apt-get install -y libxml2-utils); xmllint-wasm still runs');

  it('the schema check can fail: junit-report-builder output with testsuites/@skipped is refused', async () => {
    const xml = toJUnitXml(sampleReport()).replace('<testsuites ', '<testsuites skipped="1" ');
    expect((await wasmSchemaErrors(xml)).join('\n')).toContain("attribute 'skipped' is not allowed");
  });

  it('has no skipped attribute on testsuites and counts per suite', () => {
    const xml = toJUnitXml(sampleReport());
    const root = /<testsuites[^>]*>/.exec(xml)?.[0] ?? '';
    expect(root).not.toContain('skipped=');
    expect(root).toContain('name="kube-cookiemonster"');
    expect(xml).toMatch(/<testsuite name="cookie keystone-killer" time="62.25" timestamp="2026-11-24T09:00:04" tests="5" failures="3" errors="0" skipped="1">/);
  });

  it('has one case per deploy-check target, failed when not ready', () => {
    const cases = casesOf(toJUnitXml(sampleReport()));
    expect(find(cases, 'deploy-check', 'deployment/openstack/keystone')).toMatchObject({ timeSeconds: 1.25, systemOut: '3/3 replicas available' });
    expect(find(cases, 'deploy-check', 'deployment/openstack/keystone').failure).toBeUndefined();
    expect(find(cases, 'deploy-check', 'statefulset/openstack/mariadb').failure).toMatch(/^not ready: 2\/3 replicas ready after 5m/);
  });

  it('judges each kill by its recovery against the SLO', () => {
    const cases = casesOf(toJUnitXml(sampleReport()));
    const suite = 'cookie keystone-killer';
    const fast = find(cases, suite, 'kill openstack/keystone-7d9f-abc (deployment/keystone)');
    expect(fast.failure).toBeUndefined();
    expect(fast.timeSeconds).toBe(4.2);
    expect(fast.systemOut).toBe('recovered in 4.2s; delete at tick 1, 3/3 available before; replacement pod after 1.1s, SLO 30s');
    const slow = find(cases, suite, 'kill openstack/keystone-7d9f-def (deployment/keystone)');
    expect(slow.failure?.split('\n')[0]).toBe('recovered in 45s, over the 30s SLO');
    expect(slow.timeSeconds).toBe(45);
    const lost = find(cases, suite, 'kill openstack/keystone-7d9f-ghi (deployment/keystone)');
    expect(lost.failure?.split('\n')[0]).toBe(
      'not recovered: deployment/openstack/keystone was still below its pre-kill availability 2m after the kill (no replacement pod seen)',
    );
    expect(lost.timeSeconds).toBe(120);
  });

  it('passes a slow recovery when there is no SLO, and fails an unrecovered one anyway', () => {
    const cases = casesOf(toJUnitXml({ ...sampleReport(), maxRecoveryMs: undefined }));
    expect(find(cases, 'cookie keystone-killer', 'kill openstack/keystone-7d9f-def (deployment/keystone)').failure).toBeUndefined();
    expect(find(cases, 'cookie keystone-killer', 'kill openstack/keystone-7d9f-ghi (deployment/keystone)').failure).toMatch(/^not recovered/);
  });

  it('has skipped cases for skips and failed cases for cookie errors', () => {
    const cases = casesOf(toJUnitXml(sampleReport()));
    const skip = find(cases, 'cookie keystone-killer', 'tick 3 skipped: only-one-available');
    expect(skip).toMatchObject({ skipped: '', systemOut: 'keystone has only 1 of 3 pods available; not killing' });
    expect(find(cases, 'cookie keystone-killer', 'tick 4 error: forbidden').failure).toBe('delete pods in openstack is forbidden\nsee examples/rbac.yaml');
  });

  it('passes dry-run kills with a note, and keeps repeated names apart', () => {
    const cases = casesOf(toJUnitXml(sampleReport())).filter((c) => c.suite === 'cookie mariadb-dry');
    expect(cases.map((c) => c.name)).toEqual(['kill openstack/mariadb-0 (statefulset/mariadb)', 'kill openstack/mariadb-0 (statefulset/mariadb) #2']);
    for (const c of cases) {
      expect(c.failure).toBeUndefined();
      expect(c.systemOut).toMatch(/^dry run: not deleted/);
    }
  });

  it('has a case per node exec, failed on a non-zero exit code', () => {
    const cases = casesOf(toJUnitXml(sampleReport()));
    expect(find(cases, 'cookie exec-all', 'exec on node-1: systemctl restart kubelet')).toMatchObject({ systemOut: 'restarted' });
    expect(find(cases, 'cookie exec-all', 'exec on node-2: systemctl restart kubelet')).toMatchObject({ failure: 'exited with code 1', systemErr: 'Failed to restart kubelet.service' });
  });

  it('has the verification command with its tails (ANSI removed, CDATA-breaking text intact) and the Rally cases', () => {
    const cases = casesOf(toJUnitXml(sampleReport()));
    const verify = find(cases, 'verification', 'rally task start task.yaml');
    expect(verify.failure).toBe('exited with code 2 (Rally: SLA failed)\nexit code 2, 61250 ms');
    expect(verify.timeSeconds).toBe(61.25);
    expect(verify.systemOut).toBe(
      [
        'chaos: 3 kills overlapped the verification (+5s to +1m6s): openstack/keystone-7d9f-abc (deployment/keystone, cookie keystone-killer) killed at +14s, back after 4.2s; openstack/keystone-7d9f-def (deployment/keystone, cookie keystone-killer) killed at +24s, back after 45s; openstack/keystone-7d9f-ghi (deployment/keystone, cookie keystone-killer) killed at +44s, not back after 2m',
        'chaos: test cases 1 failed without times (attributed to the verification as a whole)',
        'Task  0a1b: started',
        'red <b>&amp;</b> ]]> done',
      ].join('\n'),
    );
    expect(verify.systemErr).toBe('SAWarning: harmless');
    expect(cases.filter((c) => c.suite === 'rally').map((c) => [c.name, c.failure !== undefined, c.skipped !== undefined])).toEqual([
      ['dummy', false, false],
      ['dummy_random_fail_in_atomic', true, false],
      ['dummy_skip', false, true],
    ]);
    expect(find(cases, 'rally', 'dummy_skip').systemOut).toBe('skipped: not applicable');
  });

  it('marks an interrupted run: a property on every suite and an error case', () => {
    const xml = toJUnitXml(sampleReport());
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (n) => ['testsuite', 'property', 'testcase'].includes(n) }).parse(xml) as {
      testsuites: { testsuite: { name: string; properties: { property: { name: string; value: string }[] } }[] };
    };
    const suites = doc.testsuites.testsuite;
    expect(suites.map((s) => s.name)).toEqual(['deploy-check', 'cookie keystone-killer', 'cookie mariadb-dry', 'cookie exec-all', 'verification', 'rally', 'cookiemonster']);
    for (const suite of suites) {
      expect(Object.fromEntries(suite.properties.property.map((p) => [p.name, p.value]))).toEqual({
        runId: '20261124T090000-abcd1234',
        seed: '42',
        dryRun: 'false',
        server: 'https://10.0.0.1:6443',
        interrupted: 'SIGTERM',
      });
    }
    const cases = casesOf(xml);
    expect(find(cases, 'cookiemonster', 'run interrupted').error).toBe('the run was interrupted by SIGTERM; results are partial');
    expect(find(cases, 'cookiemonster', 'error: server-error').failure).toBe('notification webhook said 500');
  });

  it('has no failure at all for a passing run, and no interruption marks', () => {
    const xml = toJUnitXml(passingReport());
    const cases = casesOf(xml);
    expect(cases.filter((c) => c.failure !== undefined || c.error !== undefined)).toEqual([]);
    expect(cases.map((c) => c.suite)).not.toContain('cookiemonster');
    expect(xml).not.toContain('interrupted');
    expect(xml).toMatch(/<testsuites name="kube-cookiemonster" tests="\d+" failures="0" errors="0">/);
  });

  it('says why a run stopped before chaos when no deploy-check case explains it', async () => {
    const report: RunReport = {
      ...passingReport(),
      outcome: 'cluster-failed',
      exitCode: 3,
      deployCheck: [],
      cookies: [],
      verification: undefined,
      entries: [],
      problems: ['cannot reach https://10.0.0.1:6443: connect ECONNREFUSED'],
    };
    const xml = toJUnitXml(report);
    expect(casesOf(xml)).toEqual([
      { suite: 'cookiemonster', className: 'cookiemonster', name: 'run stopped early', timeSeconds: 170, error: 'cannot reach https://10.0.0.1:6443: connect ECONNREFUSED' },
    ]);
    expect(await wasmSchemaErrors(xml)).toEqual([]);
  });

  it('merges external cases of the verification suite into it', () => {
    const report = { ...passingReport(), externalCases: [{ suite: 'verification', className: 'smoke', name: 'login works', timeSeconds: 1.5 }] };
    const cases = casesOf(toJUnitXml(report)).filter((c) => c.suite === 'verification');
    expect(cases.map((c) => c.name)).toEqual(['rally task start task.yaml', 'login works']);
  });

  it('stays schema-valid and keeps text whatever the names and outputs contain', async () => {
    const piece = fc.constantFrom('a', 'Z', ' ', '\n', '<', '>', '&', '"', "'", ']]>', ']]', 'é', '🍪', '\u0001', '\u001b[1;31m', '\t', '\uFFFE', '\uD800');
    const text = fc.string({ unit: piece, maxLength: 30 });
    await fc.assert(
      fc.asyncProperty(text, text, text, async (name, out, message) => {
        const report = passingReport();
        report.cookies = [{ name, group: 'killpod', target: name, stoppedReason: 'stopped' }];
        report.entries = [{ kind: 'error', at: t0, cookie: name, code: 'internal', message, hint: out }];
        report.verification = { ...sampleVerification, command: [name], stdoutTail: out, stderrTail: message };
        report.externalCases = [{ suite: name, className: name, name: message, timeSeconds: 1, failure: out }];
        const xml = toJUnitXml(report);
        expect(await wasmSchemaErrors(xml)).toEqual([]);
        const clean = (s: string) => s.replace(/\u001b\[1;31m/g, '').replace(/[\u0001\uFFFE\uD800]/g, '').trim();
        const verify = casesOf(xml).find((c) => c.suite === 'verification');
        expect(withoutChaosNote(verify?.systemOut)).toBe(clean(out));
      }),
      { numRuns: Number(process.env['KCM_FC_RUNS'] ?? 30) },
    );
  });
});
