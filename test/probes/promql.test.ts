import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { systemClock } from '../../src/core/clock.js';
import { createKillLog, entriesOf } from '../../src/log/entries.js';
import { parseProbes } from '../../src/probes/load.js';
import { createProbeSet } from '../../src/probes/runner.js';

/** In CI (.ci/run installs Debian's prometheus) a missing Prometheus fails these tests instead of skipping them. */
const prometheusInstalled = process.env['CI'] === 'true' || spawnSync('prometheus', ['--version'], { stdio: 'ignore' }).status === 0;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe.skipIf(!prometheusInstalled)('promql probes against a real Prometheus (Debian prometheus)', () => {
  let dir: string;
  let prometheus: ChildProcess;
  let exporter: Server;
  let errorRatio = 0;
  let url: string;
  const query = async (q: string): Promise<string | undefined> => {
    const answer = (await (await fetch(`${url}/api/v1/query?query=${encodeURIComponent(q)}`)).json()) as { data?: { result?: { value: [number, string] }[] } };
    return answer.data?.result?.[0]?.value[1];
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kcm-prometheus-'));
    exporter = createServer((_, res) => res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(`# TYPE fixture_error_ratio gauge\nfixture_error_ratio ${errorRatio}\n`));
    await new Promise<void>((resolve) => exporter.listen(0, '127.0.0.1', resolve));
    const target = `127.0.0.1:${(exporter.address() as AddressInfo).port}`;
    writeFileSync(join(dir, 'prometheus.yml'), `global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nscrape_configs:\n  - job_name: fixture\n    static_configs:\n      - targets: ['${target}']\n`);
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    prometheus = spawn('prometheus', [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`], { stdio: 'ignore' });
    await vi.waitFor(async () => expect((await fetch(`${url}/-/ready`)).status).toBe(200), { timeout: 30_000, interval: 200 });
    await vi.waitFor(async () => expect(await query('fixture_error_ratio')).toBe('0'), { timeout: 30_000, interval: 200 });
  }, 60_000);

  afterAll(async () => {
    if (prometheus && prometheus.exitCode === null) {
      const exited = new Promise((resolve) => prometheus.once('exit', resolve));
      prometheus.kill('SIGTERM');
      await exited;
    }
    await new Promise<void>((resolve) => exporter?.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  });

  const probe = (expectText: string, q = 'fixture_error_ratio') => {
    const log = createKillLog(systemClock);
    const set = createProbeSet(parseProbes([{ name: 'errors', promql: { url, query: q, expect: expectText } }], 'test'), { clock: systemClock, cwd: dir, log });
    return { set, log };
  };
  const never = new AbortController().signal;

  it('passes while the scraped error ratio is below the threshold, and breaches once it rises', async () => {
    const healthy = probe('< 0.01');
    expect(await healthy.set.checkOnce('before', never)).toBe(true);
    expect(entriesOf(healthy.log.entries(), 'probe')[0]?.message).toBe('query fixture_error_ratio = 0 (expected < 0.01)');

    errorRatio = 0.25;
    await expect.poll(() => query('fixture_error_ratio'), { timeout: 30_000, interval: 200 }).toBe('0.25');
    const broken = probe('< 0.01');
    expect(await broken.set.checkOnce('after', never)).toBe(false);
    expect(entriesOf(broken.log.entries(), 'probe')[0]).toMatchObject({ ok: false, message: 'query fixture_error_ratio = 0.25 (expected < 0.01)' });
    expect(await probe('>= 0.25').set.checkOnce('after', never)).toBe(true);
    errorRatio = 0;
  });

  it('a query with no single value, or one Prometheus refuses, is a failed sample naming why', async () => {
    const none = probe('< 1', 'no_such_metric');
    expect(await none.set.checkOnce('before', never)).toBe(false);
    expect(entriesOf(none.log.entries(), 'probe')[0]?.message).toBe('query no_such_metric: no single value (0 series)');
    const invalid = probe('< 1', 'rate(fixture_error_ratio');
    expect(await invalid.set.checkOnce('before', never)).toBe(false);
    expect(entriesOf(invalid.log.entries(), 'probe')[0]?.message).toMatch(/^query rate\(fixture_error_ratio: .*parse error/);
  });
});
