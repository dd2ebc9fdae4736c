import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { entriesOf } from '../../src/log/entries.js';
import { runCli, workspace } from '../cli/run-cli.js';
import { wasmSchemaErrors } from '../report/xsd.js';
import { startHttpTarget, type HttpTarget } from './http-target.js';

const targets: HttpTarget[] = [];
afterEach(async () => {
  for (const t of targets.splice(0)) await t.close();
});

function probesIn(dir: string, probes: unknown[]): string {
  writeFileSync(join(dir, 'probes.json'), JSON.stringify(probes));
  return 'probes.json';
}

describe('demo --probes (built CLI)', () => {
  it('a probe that fails from the start: steady state not met, exit 3, nothing killed', async () => {
    const shop = await startHttpTarget('down');
    targets.push(shop);
    const dir = workspace(undefined, {});
    const run = await runCli(dir, ['demo', '--seconds', '2', '--seed', '3', '--probes', probesIn(dir, [{ name: 'shop', http: { url: shop.url } }])]);
    expect(run.exitCode).toBe(3);
    expect(entriesOf(run.entries(), 'bite')).toEqual([]);
    expect(entriesOf(run.entries(), 'cookie-start')).toEqual([]);
    expect(run.stdout).toContain(`✗ probe shop: steady state not met before chaos: GET ${shop.url} answered 503, expected 2xx; nothing was killed`);
    expect(run.junit()).toMatch(/<testsuite name="probe shop"[\s\S]*?<testcase classname="probe shop" name="before"[^>]*>\s*<failure/);
    expect(await wasmSchemaErrors(run.junit())).toEqual([]);
  });

  it('a probe that breaks mid-run with abort: true halts the cookies, names the kills it overlapped, exit 4', async () => {
    const shop = await startHttpTarget('up');
    targets.push(shop);
    const dir = workspace(undefined, {});
    const probes = probesIn(dir, [{ name: 'shop', http: { url: shop.url }, every: '100ms', phases: ['before', 'during'], abort: true }]);
    // The service breaks with the first kill: the test flips it on the kill line, whatever the timing.
    const run = await runCli(dir, ['demo', '--seconds', '4', '--seed', '3', '--probes', probes], {
      onStdout: (text) => {
        if (/: delete pod openstack\//.test(text)) shop.set('down');
      },
    });
    expect(run.exitCode).toBe(4);
    const entries = run.entries();
    const abort = entriesOf(entries, 'chaos-abort')[0];
    expect(abort?.reason).toMatch(/^probe shop breached \(1 of \d+ samples failed; tolerance: at most 0 failed\)$/);
    const bites = entriesOf(entries, 'bite');
    expect(bites.length).toBeGreaterThanOrEqual(1);
    // No tick starts after the breach: at most the ticks in flight (one per cookie) end with a kill after it.
    const cookies = entriesOf(entries, 'cookie-start').length;
    expect(bites.filter((b) => b.at > (abort?.at ?? 0)).length).toBeLessThanOrEqual(cookies);
    expect(entriesOf(entries, 'cookie-stop').every((s) => s.reason === 'stopped' && s.at >= (abort?.at ?? 0))).toBe(true);
    const impacts = entriesOf(entries, 'probe-impact');
    expect(impacts.length).toBeGreaterThanOrEqual(1);
    expect(bites.map((b) => b.pod.uid)).toEqual(expect.arrayContaining(impacts.map((i) => i.pod.uid)));
    expect(run.stdout).toContain('chaos aborted: probe shop breached');
    expect(run.stdout).toMatch(/\d+ failed samples? of shop during the recovery of openstack\//);
    const junit = run.junit();
    expect(junit).toMatch(/<testcase classname="probe shop" name="during"[^>]*>\s*<failure message="shop breached its tolerance/);
    expect(junit).toMatch(/failed samples? of shop during the recovery of openstack\//);
    expect(await wasmSchemaErrors(junit)).toEqual([]);
  });

  it('a bad probe file is a usage error naming the file, the probe and the field (exit 2)', async () => {
    const dir = workspace(undefined, {});
    writeFileSync(join(dir, 'probes.yaml'), '- name: shop\n  http: { url: "http://x" }\n  every: -1s\n');
    const run = await runCli(dir, ['demo', '--probes', 'probes.yaml']);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toBe('cookiemonster: probes.yaml: probe "shop": every: expected a positive duration like "1s", got "-1s"\n');
  });
});
