import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultWorkerSelector } from '../../src/core/cookies/nodeexec.js';
import { entriesOf } from '../../src/log/entries.js';
import { startFakeApiServer, type FakeApiServer } from '../../src/sim/index.js';
import { startExecFront } from '../helpers/fake-exec.js';
import { wasmSchemaErrors } from '../report/xsd.js';
import { runCli, workspace } from './run-cli.js';

const workerLabels = Object.fromEntries(defaultWorkerSelector.split(',').map((pair) => pair.split('=') as [string, string]));

describe('cookiemonster run with a nodeexec cookie (exec API through the worker DaemonSet)', () => {
  let api: FakeApiServer;
  let front: Awaited<ReturnType<typeof startExecFront>>;
  beforeEach(async () => {
    api = await startFakeApiServer({ controllers: { replaceDelayMs: 30, readyDelayMs: 30 } });
    api.sim.addNode('node-1');
    api.sim.addNode('node-2');
    api.sim.addDaemonSet({ namespace: 'cookiemonster', name: 'cookiemonster-node-worker', labels: workerLabels });
    front = await startExecFront(api.url, (call) => (call.command.includes('false') ? { stderr: 'nope\n', exitCode: 1 } : { stdout: `ran on ${call.pod}\n`, exitCode: 0 }));
  });
  afterEach(async () => {
    await front.close();
    await api.close();
  });

  const withNodeExec = (commands: unknown[]): string => {
    const dir = workspace(front.kubeconfigYaml(), {});
    mkdirSync(join(dir, 'cookies.d', 'nodeexec'), { recursive: true });
    writeFileSync(join(dir, 'cookies.d', 'nodeexec', 'exec-all.json'), JSON.stringify({ target: 'all', commands }));
    return dir;
  };

  it('runs the commands on every node through the worker pods and reports each in the kill log and JUnit', async () => {
    const dir = withNodeExec([{ command: 'hostname' }, { command: 'ps', parameters: ['aux'] }]);
    const run = await runCli(dir, ['run', '--kubeconfig', 'kubeconfig', '--cookie', 'nodeexec/exec-all', '--skip-deploy-check', '--', process.execPath, '-e', 'setTimeout(() => {}, 500)']);
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    const execs = entriesOf(run.entries(), 'exec');
    expect(execs.map((e) => `${e.node} ${e.command.join(' ')} ${e.exitCode}`).sort()).toEqual([
      'node-1 hostname 0',
      'node-1 ps aux 0',
      'node-2 hostname 0',
      'node-2 ps aux 0',
    ]);
    expect(front.calls.every((c) => c.namespace === 'cookiemonster' && c.container === 'worker' && c.command.includes('nsenter'))).toBe(true);
    expect(run.junit()).toContain('exec on node-1: hostname');
    expect(await wasmSchemaErrors(run.junit())).toEqual([]);
  });

  it('a failing node command fails the step (exit 4) with the command named in the JUnit', async () => {
    const dir = withNodeExec([{ command: 'false' }]);
    const run = await runCli(dir, ['run', '--kubeconfig', 'kubeconfig', '--cookie', 'nodeexec/exec-all', '--skip-deploy-check', '--', process.execPath, '-e', '0']);
    expect(run.exitCode).toBe(4);
    expect(run.junit()).toMatch(/<testcase[^>]*name="exec on node-1: false"[\s\S]*?<failure/);
  });
});
