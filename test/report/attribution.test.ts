import { describe, expect, it } from 'vitest';
import { attributeCases, attributionLabel, outageWindows } from '../../src/report/attribution.js';
import { toJUnitXml } from '../../src/report/junit.js';
import { readExternalJUnit } from '../../src/report/merge-junit.js';
import type { ExternalCase, RunReport } from '../../src/report/types.js';
import { sampleReport, t0 } from './sample-report.js';
import { wasmSchemaErrors } from './xsd.js';

/** Sample kills (real ones): keystone-abc +14s back after 4.2s, -def +24s back after 45s, -ghi +44s never back (given up at +164s). */
const timed = (name: string, atMs: number, seconds: number, outcome: Partial<ExternalCase> = {}, precisionMs = 1): ExternalCase => ({
  suite: 'api',
  className: 'api',
  name,
  timeSeconds: seconds,
  start: { at: t0 + atMs, precisionMs, from: 'testcase' },
  ...outcome,
});

function reportWith(cases: ExternalCase[]): RunReport {
  return { ...sampleReport(), externalCases: cases };
}

const labels = (report: RunReport) => attributeCases(report).cases.map((c) => [c.testCase.name, attributionLabel(c), c.timed ? c.kills.map((k) => k.bite.pod.name) : 'untimed']);

describe('attributing test cases to kills', () => {
  it('outage windows: from the kill to recovery, open until measuring ended when unrecovered; dry-run kills have none', () => {
    const windows = outageWindows(sampleReport());
    expect(windows.map((w) => [w.bite.pod.name, w.start - t0, w.end - t0, w.open])).toEqual([
      ['keystone-7d9f-abc', 14_000, 18_200, false],
      ['keystone-7d9f-def', 24_000, 69_000, false],
      ['keystone-7d9f-ghi', 44_000, 164_000, true],
    ]);
  });

  it('a failed case that overlapped a kill failed during chaos, naming the kills; one that overlapped none failed outside any kill window', () => {
    const report = reportWith([
      timed('login during keystone outage', 15_000, 1, { failure: 'expected 200, got 503' }),
      timed('login between outages', 20_000, 2, { failure: 'expected 200, got 500' }),
      timed('passes while keystone is down', 16_000, 0.5),
      timed('errors in two outages', 17_000, 10, { error: 'TypeError' }),
    ]);
    expect(labels(report)).toEqual([
      ['login during keystone outage', 'failed during chaos', ['keystone-7d9f-abc']],
      ['login between outages', 'failed outside any kill window', []],
      ['passes while keystone is down', undefined, ['keystone-7d9f-abc']],
      ['errors in two outages', 'failed during chaos', ['keystone-7d9f-abc', 'keystone-7d9f-def']],
    ]);
    const attribution = attributeCases(report);
    expect(attribution.failedDuringChaos.map((c) => c.testCase.name)).toEqual(['login during keystone outage', 'errors in two outages']);
    expect(attribution.failedOutsideKills.map((c) => c.testCase.name)).toEqual(['login between outages']);
  });

  it('touching counts (a case that ended as the pod died saw it), a whole-second timestamp covers its whole second, an unrecovered kill stays open', () => {
    const report = reportWith([
      timed('ends at the kill', 13_000, 1, { failure: 'x' }),
      timed('ends just before', 12_000, 1.998, { failure: 'x' }),
      timed('whole second before the kill', 13_000, 0, { failure: 'x' }, 1000),
      timed('long after, ghi still down', 150_000, 1, { failure: 'x' }),
      timed('after ghi was given up', 165_000, 1, { failure: 'x' }),
    ]);
    expect(labels(report).map(([name, label]) => [name, label])).toEqual([
      ['ends at the kill', 'failed during chaos'],
      ['ends just before', 'failed outside any kill window'],
      ['whole second before the kill', 'failed during chaos'],
      ['long after, ghi still down', 'failed during chaos'],
      ['after ghi was given up', 'failed outside any kill window'],
    ]);
  });

  it('cases without times are said to have none and attributed at suite level: the kills that overlapped the verification', () => {
    const report = reportWith([{ suite: 'rally', className: 'Dummy', name: 'untimed', timeSeconds: 0.03, failure: 'SLA' }]);
    const attribution = attributeCases(report);
    expect(labels(report)).toEqual([['untimed', 'failed (no times in its JUnit)', 'untimed']]);
    expect(attribution.failedUntimed).toHaveLength(1);
    expect(attribution.verification?.kills.map((k) => k.bite.pod.name)).toEqual(['keystone-7d9f-abc', 'keystone-7d9f-def', 'keystone-7d9f-ghi']);
  });

  it('the JUnit says it in the system-out of each case, and stays valid against the XSD', async () => {
    const xml = toJUnitXml(reportWith([timed('during', 15_000, 1, { failure: 'got 503' }), timed('outside', 20_000, 2, { failure: 'got 500' })]));
    expect(await wasmSchemaErrors(xml)).toEqual([]);
    const cases = readExternalJUnit(xml, { defaultSuite: '-' }).filter((c) => c.suite === 'api');
    expect(cases.map((c) => c.systemOut)).toEqual([
      'chaos: failed during chaos (ran +15s to +16s); overlapped 1 kill: openstack/keystone-7d9f-abc (deployment/keystone, cookie keystone-killer) killed at +14s, back after 4.2s',
      'chaos: failed outside any kill window (ran +20s to +22s)',
    ]);
    const verification = readExternalJUnit(xml, { defaultSuite: '-' }).find((c) => c.suite === 'verification');
    expect(verification?.systemOut?.split('\n')[1]).toBe('chaos: test cases 1 failed during chaos, 1 failed outside any kill window');
  });
});
