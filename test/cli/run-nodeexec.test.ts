import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultWorkerSelector } from '../../src/core/cookies/nodeexec.js';
import { entriesOf } from '../../src/log/entries.js';
import { startFakeApiServer, type FakeApiServer } from '../../src/sim/index.js';
import { startExecFront, type ExecHandler } from '../helpers/fake-exec.js';
import { wasmSchemaErrors } from '../report/xsd.js';
import { runCli, workspace } from './run-cli.js';

const workerLabels = Object.fromEntries(defaultWorkerSelector.split(',').map((pair) => pair.split('=') as [string, string]));

describe('cookiemonster run with a nodeexec cookie (exec API through the worker DaemonSet)', () => {
  let api: FakeApiServer;
  let front: Awaited<ReturnType<typeof startExecFront>>;
  /** What the node does with each command; a test may replace it. */
  let node: ExecHandler;
  beforeEach(async () => {
    node = (call) => (call.command.includes('false') ? { stderr: 'nope\n', exitCode: 1 } : { stdout: `ran on ${call.pod}\n`, exitCode: 0 });
    api = await startFakeApiServer({ controllers: { replaceDelayMs: 30, readyDelayMs: 30 } });
    api.sim.addNode('node-1');
    api.sim.addNode('node-2');
    api.sim.addDaemonSet({ namespace: 'cookiemonster', name: 'cookiemonster-node-worker', labels: workerLabels });
    front = await startExecFront(api.url, (call) => node(call));
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

  const exec1 = ['run', '--kubeconfig', 'kubeconfig', '--cookie', 'nodeexec/exec-one', '--skip-deploy-check'];
  const withOneNode = (): string => {
    const dir = workspace(front.kubeconfigYaml(), {});
    mkdirSync(join(dir, 'cookies.d', 'nodeexec'), { recursive: true });
    writeFileSync(join(dir, 'cookies.d', 'nodeexec', 'exec-one.json'), JSON.stringify({ target: 'node-1', commands: [{ command: 'slow-restart' }, { command: 'uptime' }] }));
    return dir;
  };

  it('a graceful stop (the verification ended) lets a 2 s node command finish with its real exit code', async () => {
    node = async (call) => {
      if (!call.command.includes('slow-restart')) return { stdout: 'up\n', exitCode: 0 };
      await new Promise((resolve) => setTimeout(resolve, 2000)); // the node's command takes 2 s
      return { stdout: 'restarted\n', exitCode: 0 };
    };
    const run = await runCli(withOneNode(), [...exec1, '--', process.execPath, '-e', '0']);
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    const execs = entriesOf(run.entries(), 'exec');
    expect(execs.map((e) => [e.command.join(' '), e.exitCode, e.cancelled, e.stdout])).toEqual([
      ['slow-restart', 0, false, 'restarted\n'],
      ['uptime', 0, false, 'up\n'],
    ]);
    const verifyEnd = entriesOf(run.entries(), 'verify-end')[0];
    expect(verifyEnd?.at).toBeLessThan(execs[0]?.at ?? 0); // the command outlived the verification
    expect(run.stdout).toContain('node commands: 2 run: 2 exited 0, 0 failed');
  });

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`an interrupt (${signal}) cancels the command in flight: recorded as cancelled, JUnit skipped, exit ${signal === 'SIGTERM' ? 143 : 130}`, async () => {
      let kill: (signal: NodeJS.Signals) => void = () => undefined;
      node = () => {
        kill(signal); // the command is in flight on the node now
        return { hang: true };
      };
      const run = await runCli(withOneNode(), [...exec1, '--', process.execPath, '-e', 'setTimeout(() => {}, 60000)'], { onSpawn: (k) => (kill = k) });
      expect(run.exitCode).toBe(signal === 'SIGTERM' ? 143 : 130);
      const execs = entriesOf(run.entries(), 'exec');
      expect(execs.map((e) => [e.command.join(' '), e.exitCode, e.cancelled])).toEqual([
        ['slow-restart', null, true],
        ['uptime', null, true],
      ]);
      expect(entriesOf(run.entries(), 'error')).toEqual([]);
      expect(run.stdout).not.toContain('exited with null');
      expect(run.stdout).toContain('node commands: 0 run: 0 exited 0, 0 failed; 2 cancelled');
      expect(run.junit()).toMatch(/<testcase[^>]*name="exec on node-1: slow-restart"[^>]*>\s*<skipped\/>/);
      expect(await wasmSchemaErrors(run.junit())).toEqual([]);
    });
  }

  it('dry run chooses the node and worker as a real run would and executes nothing', async () => {
    const run = await runCli(withOneNode(), [...exec1, '--dry-run', '--', process.execPath, '-e', '0']);
    expect(run.exitCode).toBe(0);
    expect(front.calls).toHaveLength(0);
    expect(entriesOf(run.entries(), 'exec').map((e) => [e.node, e.command.join(' '), e.dryRun, e.exitCode])).toEqual([
      ['node-1', 'slow-restart', true, null],
      ['node-1', 'uptime', true, null],
    ]);
    expect(run.junit()).toMatch(/name="exec on node-1: uptime"[^>]*>\s*<skipped\/>/);
  });
});
