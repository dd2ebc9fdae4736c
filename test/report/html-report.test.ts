import { describe, expect, it } from 'vitest';
import { toHtmlReport } from '../../src/report/html/report.js';
import { buildTimeline, maxKillRows, packRows } from '../../src/report/timeline.js';
import type { ExternalCase, RunReport } from '../../src/report/types.js';
import { bigReport } from './big-report.js';
import { sampleReport, t0 } from './sample-report.js';

const hostile = '<img src=x onerror=alert(1)>';

/** The `<title>` of every kill mark, in drawing order. */
const killTitles = (page: string): string[] => [...page.matchAll(/<g class="kill [a-z-]+" role="img"><title>([^<]*)<\/title>/g)].map((m) => m[1] ?? '');

describe('HTML report', () => {
  it('is one self-contained page: no script, no external resource, a policy that loads nothing', () => {
    const page = toHtmlReport(sampleReport());
    expect(page).toMatch(/^<!DOCTYPE html>/);
    expect(page).not.toMatch(/<script|<link|<img|<iframe|@import|url\(/i);
    expect(page).not.toMatch(/\s(src|href)=/i);
    expect(page).toContain('<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;; style-src &#39;unsafe-inline&#39;;');
    expect(toHtmlReport(sampleReport())).toBe(page);
  });

  it('has a mark per kill whose title names the pod, its workload, cookie and recovery', () => {
    const titles = killTitles(toHtmlReport(sampleReport()));
    expect(titles).toHaveLength(5);
    expect(titles[0]).toBe('openstack/keystone-7d9f-abc (deployment/keystone, cookie keystone-killer): killed (delete, tick 1, 3/3 available before); replacement seen after 1.1s, available again after 4.2s');
    expect(titles[2]).toContain('keystone-7d9f-ghi');
    expect(titles[2]).toContain('NOT RECOVERED 2m after the kill');
  });

  it('draws the recovery stages a kill log carries: down until the replacement, starting until Ready, Ready until available; an unrecovered kill stays open', () => {
    const report = sampleReport();
    const pod = { namespace: 'openstack', name: 'keystone-staged', uid: 'uid-s' };
    const workload = { kind: 'deployment', namespace: 'openstack', name: 'keystone' } as const;
    report.entries.push(
      { kind: 'bite', at: t0 + 60_000, cookie: 'keystone-killer', tick: 9, dryRun: false, mode: 'delete', pod, nodeName: 'node-1', workload, availableBefore: 3, desired: 3 },
      { kind: 'recovery', at: t0 + 70_000, cookie: 'keystone-killer', pod, workload, method: 'watch', replacementMs: 1_000, recoveredMs: 9_000, recovered: true, stages: { accepted: 10, terminating: 20, gone: 2_000, replacement: 1_000, scheduled: 1_200, ready: 6_000, available: 9_000 } },
    );
    const lane = buildTimeline(report).lanes[0];
    const staged = lane?.kills.items.find(({ item }) => item.bite.pod.uid === 'uid-s')?.item;
    expect(staged?.stages.map((s) => [s.state, s.start - t0, s.end - t0])).toEqual([
      ['down', 60_000, 60_020],
      ['down', 60_020, 61_000],
      ['starting', 61_000, 61_200],
      ['starting', 61_200, 62_000],
      ['starting', 62_000, 66_000],
      ['ready', 66_000, 69_000],
    ]);
    expect(staged?.title).toContain('Terminating after 20ms, replacement seen after 1s, replacement scheduled after 1.2s, victim gone after 2s, replacement Ready after 6s, available again after 9s');
    const lost = lane?.kills.items.find(({ item }) => item.bite.pod.uid === 'uid-3')?.item;
    expect(lost?.stages).toEqual([{ state: 'down', start: t0 + 44_000, end: t0 + 164_000, open: true }]);
    expect(toHtmlReport(report)).toMatch(/<rect class="st-down open"/);
  });

  it('escapes every name and message: a hostile pod, cookie, test case and error stay text', () => {
    const report = sampleReport();
    report.entries = report.entries.map((e) => (e.kind === 'bite' || e.kind === 'recovery' ? { ...e, pod: { ...e.pod, name: hostile }, cookie: hostile } : e));
    report.entries.push({ kind: 'error', at: t0 + 1, code: 'internal', message: `"'><svg onload=alert(1)>` });
    report.externalCases = [{ suite: hostile, className: hostile, name: `</title><script>alert(1)</script>`, timeSeconds: 1, start: { at: t0 + 14_500, precisionMs: 1, from: 'testcase' }, failure: hostile }];
    report.runId = hostile;
    report.problems = [hostile];
    const page = toHtmlReport(report);
    expect(page).not.toMatch(/<img|<script|<svg onload|onerror=alert\(1\)>/);
    expect(page).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(page).toContain('&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(killTitles(page)[0]).toContain(`openstack/&lt;img src=x onerror=alert(1)&gt;`);
  });

  it('says which failed case overlapped which kill, and which failed outside any kill window', () => {
    const cases: ExternalCase[] = [
      { suite: 'api', className: 'api', name: 'login under chaos', timeSeconds: 1, start: { at: t0 + 15_000, precisionMs: 1, from: 'testcase' }, failure: 'got 503' },
      { suite: 'api', className: 'api', name: 'login between kills', timeSeconds: 1, start: { at: t0 + 20_000, precisionMs: 1, from: 'testcase' }, failure: 'got 500' },
    ];
    const page = toHtmlReport({ ...sampleReport(), externalCases: cases });
    const rows = [...page.matchAll(/<tr><td class="">api\.(login [a-z ]+)<\/td><td class=""><span class="[a-z]*">([^<]+)<\/span><\/td><td class="">[^<]*<\/td><td class="">([^<]*)<\/td><\/tr>/g)].map((m) => m.slice(1));
    expect(rows).toEqual([
      ['login under chaos', 'failed during chaos', 'openstack/keystone-7d9f-abc (deployment/keystone, cookie keystone-killer)'],
      ['login between kills', 'failed outside any kill window', 'none'],
    ]);
    expect(page).toContain('<dt>Test cases</dt><dd>2; 1 failed during chaos, 1 failed outside any kill window</dd>');
    expect(page.match(/<rect class="failband"/g)).toHaveLength(2);
    expect(page).toMatch(/<g class="case failed during-chaos" role="img"><title>api\.login under chaos: failed during chaos/);
  });

  it('draws a probe as a strip of its samples, each holding until the next', () => {
    const report = sampleReport();
    report.entries.push(
      { kind: 'probe', at: t0 + 5_000, probe: 'keystone-api', phase: 'during', ok: true, message: '200' },
      { kind: 'probe', at: t0 + 15_000, probe: 'keystone-api', phase: 'during', ok: false, message: 'HTTP 503' },
      { kind: 'probe', at: t0 + 17_000, probe: 'keystone-api', phase: 'during', ok: true, message: '200' },
      { kind: 'probe-end', at: t0 + 66_000, probe: 'keystone-api', phase: 'during', samples: 60, failures: 1, breached: false, tolerance: '0' },
    );
    const [lane] = buildTimeline(report).samples;
    expect(lane).toMatchObject({ label: 'probe keystone-api', end: t0 + 66_000 });
    expect(lane?.samples.map((s) => s.ok)).toEqual([true, false, true]);
    const page = toHtmlReport(report);
    expect(page).toContain('aria-label="probe keystone-api: 1 failed samples"');
    expect(page).toMatch(/<g class="sample fail" role="img"><title>\+15s probe keystone-api \(during\): FAILED: HTTP 503<\/title>/);
  });

  it('keeps hundreds of kills legible: a lane per workload, at most a few rows each, still a mark per kill', () => {
    const report = bigReport(500, 5);
    const timeline = buildTimeline(report);
    expect(timeline.lanes.map((l) => [l.workload, l.kills.items.length])).toEqual([0, 1, 2, 3, 4].map((i) => [`deployment/service-${i} in openstack`, 100]));
    for (const lane of timeline.lanes) expect(lane.kills.rows).toBeLessThanOrEqual(maxKillRows);
    const page = toHtmlReport(report);
    expect(killTitles(page)).toHaveLength(500);
    expect(page.length).toBeLessThan(1_000_000);
  });

  it('packs overlapping spans onto rows, sharing the last row beyond the limit', () => {
    const spans = [
      { start: 0, end: 10 },
      { start: 5, end: 15 },
      { start: 11, end: 20 },
      { start: 6, end: 8 },
      { start: 7, end: 9 },
    ];
    expect(packRows(spans, (s) => s, 3)).toEqual({ rows: 3, items: spans.map((item, i) => ({ item, row: [0, 1, 0, 2, 2][i] })) });
  });
});
