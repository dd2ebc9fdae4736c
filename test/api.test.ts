import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { commandVerification, runPipeline, toJUnitXml, type Verification } from '../src/index.js';
import type { LogEntry } from '../src/log/entries.js';
import { startFakeApiServer, type FakeApiServer } from '../src/sim/index.js';
import { wasmSchemaErrors } from './report/xsd.js';

/** A cookies.d with one killpod cookie and a kubeconfig for the fake server, in a scratch directory. */
function scratch(api: FakeApiServer): { cookies: string; kubeconfig: string } {
  const dir = mkdtempSync(join(tmpdir(), 'kcm-api-'));
  mkdirSync(join(dir, 'cookies.d', 'killpod'), { recursive: true });
  writeFileSync(
    join(dir, 'cookies.d', 'killpod', 'keystone.json'),
    JSON.stringify({ name: 'keystone', kind: 'deployment', namespace: 'openstack', target: 1, interval: '300ms' }),
  );
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, api.kubeconfigYaml());
  return { cookies: join(dir, 'cookies.d'), kubeconfig };
}

const sleepCommand = (ms: number): string[] => [process.execPath, '-e', `setTimeout(() => {}, ${ms})`];

describe('runPipeline (the library API) against the loopback fake API server', () => {
  let api: FakeApiServer;
  beforeEach(async () => {
    api = await startFakeApiServer({ controllers: { replaceDelayMs: 30, readyDelayMs: 80 } });
    api.sim.addDeployment({ namespace: 'openstack', name: 'keystone', replicas: 3 });
  });
  afterEach(() => api.close());

  it('runs two verification commands inside one chaos window and returns the report the CLI renders', async () => {
    const { cookies, kubeconfig } = scratch(api);
    const ran: string[] = [];
    const step = (name: string, ms: number): Verification => {
      const inner = commandVerification(sleepCommand(ms), 10_000);
      return { command: inner.command, run: async (signal) => (ran.push(name), inner.run(signal)) };
    };
    const smoke = step('smoke', 400);
    const load = step('load', 700);
    const both: Verification = {
      command: ['smoke', '&&', 'load'],
      async run(signal) {
        const first = await smoke.run(signal);
        return first.result.failed ? first : load.run(signal);
      },
    };
    const seen: LogEntry[] = [];
    const report = await runPipeline({ kubeconfig, cookies, verify: both, maxRecovery: '5s', seed: 3, onEntry: (e) => seen.push(e) });

    expect(ran).toEqual(['smoke', 'load']);
    expect(report).toMatchObject({ outcome: 'passed', exitCode: 0, seed: 3, dryRun: false, problems: [] });
    expect(report.deployCheck.map((r) => [r.name, r.ready])).toEqual([['deployment/openstack/keystone', true]]);
    const bites = report.entries.filter((e) => e.kind === 'bite');
    expect(bites.length).toBeGreaterThanOrEqual(2);
    expect(seen).toEqual(report.entries);
    const alive = new Set(api.sim.pods('openstack').map((p) => p.metadata.uid));
    for (const bite of bites) expect(alive.has(bite.pod.uid)).toBe(false);
    expect(report.entries.filter((e) => e.kind === 'recovery' && e.recovered)).toHaveLength(bites.length);
    expect(await wasmSchemaErrors(toJUnitXml(report))).toEqual([]);
  });

  it('a failing command fails the report with exit 1 and keeps its exit code', async () => {
    const { cookies, kubeconfig } = scratch(api);
    const report = await runPipeline({ kubeconfig, cookies, verify: [process.execPath, '-e', 'process.exit(5)'], seed: 1 });
    expect(report).toMatchObject({ outcome: 'verify-failed', exitCode: 1 });
    expect(report.verification?.exitCode).toBe(5);
  });

  it('an aborted signal stops the run: the report is marked interrupted and still complete', async () => {
    const { cookies, kubeconfig } = scratch(api);
    const controller = new AbortController();
    const report = await runPipeline(
      {
        kubeconfig,
        cookies,
        verify: sleepCommand(30_000),
        onEntry: (e) => {
          if (e.kind === 'bite') controller.abort();
        },
      },
      { signal: controller.signal },
    );
    expect(report).toMatchObject({ outcome: 'interrupted', exitCode: 143, interrupted: 'SIGTERM' });
    expect(report.verification?.cancelled).toBe(true);
    expect(report.entries.at(-1)).toMatchObject({ kind: 'run-end', outcome: 'interrupted' });
    expect(await wasmSchemaErrors(toJUnitXml(report))).toEqual([]);
  });

  it('a bad duration is a usage error naming the option', async () => {
    const { cookies, kubeconfig } = scratch(api);
    await expect(runPipeline({ kubeconfig, cookies, maxRecovery: 'soon' })).rejects.toThrow('maxRecovery: expected a positive duration like "60s", got "soon"');
  });
});
