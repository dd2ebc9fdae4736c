import { afterEach, describe, expect, it } from 'vitest';
import type { NodeExecCookie } from '../../src/config/schema.js';
import { startChaos } from '../../src/core/chaos.js';
import { systemClock } from '../../src/core/clock.js';
import { createNodeExecRunner, defaultHostPrefix, defaultWorkerSelector } from '../../src/core/cookies/nodeexec.js';
import { seededRng } from '../../src/core/rng.js';
import { createPodExec } from '../../src/kube/exec.js';
import { parseSelectorString } from '../../src/kube/selector.js';
import type { Cluster } from '../../src/kube/types.js';
import { createKillLog, entriesOf } from '../../src/log/entries.js';
import { startTestApiServer, type TestApiServer } from '../helpers/fake-apiserver.js';
import { startFakeExecServer, type ExecHandler } from '../helpers/fake-exec.js';

const workerLabels = { 'app.kubernetes.io/name': 'kube-cookiemonster', 'app.kubernetes.io/component': 'node-worker' };
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (closers.length) await closers.pop()?.();
});

const cookie = (target: NodeExecCookie['target'], commands = [{ command: 'uptime', parameters: [] as string[] }]): NodeExecCookie => ({
  group: 'nodeexec', name: 'test-exec', source: 'test-exec.json', target, commands, slack: false,
});

const bite = { dryRun: false, mode: 'delete' as const, gracePeriodSeconds: undefined, allowKubeSystem: false, concurrency: 10, self: undefined };

/** Three nodes with a worker pod each (node-3's worker missing when `gap`), a real Cluster, and a fake exec endpoint. */
async function setup(handler: ExecHandler, { gap = false, dryRun = false } = {}) {
  const api: TestApiServer = await startTestApiServer();
  closers.push(api.close);
  for (const name of ['node-1', 'node-2', 'node-3']) api.sim.addNode(name);
  api.sim.addNode('node-down', { ready: false });
  api.sim.addDaemonSet({ namespace: 'cookiemonster', name: 'cookiemonster-node-worker', labels: workerLabels, nodes: gap ? ['node-1', 'node-2'] : ['node-1', 'node-2', 'node-3'] });
  const cluster: Cluster = await api.connect();
  const fake = await startFakeExecServer(handler);
  closers.push(fake.close);
  const exec = await createPodExec({ kubeconfigYaml: fake.kubeconfigYaml(), env: {} });
  const runner = createNodeExecRunner({ exec, namespace: 'cookiemonster', selector: parseSelectorString(defaultWorkerSelector), container: 'worker' });
  const log = createKillLog(systemClock);
  const run = async (c: NodeExecCookie) => {
    await startChaos([c], { cluster, clock: systemClock, rng: seededRng(1), log, nodeExec: runner }, { ...bite, dryRun }).done;
    return log.entries();
  };
  const podOn = (node: string) => api.sim.pods('cookiemonster').find((p) => p.spec?.nodeName === node)?.metadata.name;
  return { api, fake, run, podOn, log };
}

describe('nodeexec through the worker DaemonSet and the exec API', () => {
  it('target "all" runs every command on every node, in the host namespaces, capturing stdout, stderr and exit code', async () => {
    const { fake, run, podOn } = await setup((call) => {
      const argv = call.command.slice(defaultHostPrefix.length);
      return argv[0] === 'false' ? { stderr: `no on ${call.pod}\n`, exitCode: 1 } : { stdout: `${argv.join(' ')} on ${call.pod}\n`, exitCode: 0 };
    });
    const entries = await run(cookie({ kind: 'all' }, [{ command: 'ps', parameters: ['aux'] }, { command: 'false', parameters: [] }]));
    const execs = entriesOf(entries, 'exec');
    const nodes = ['node-1', 'node-2', 'node-3', 'node-down'];
    expect(execs.map((e) => `${e.node} ${e.command.join(' ')} ${e.exitCode}`).sort()).toEqual(
      nodes.slice(0, 3).flatMap((n) => [`${n} false 1`, `${n} ps aux 0`]),
    );
    for (const e of execs) {
      const pod = podOn(e.node);
      expect(e.cookie).toBe('test-exec');
      if (e.exitCode === 0) expect(e.stdout).toBe(`ps aux on ${pod}\n`);
      else expect(e.stderr).toBe(`no on ${pod}\n`);
    }
    expect(fake.calls.every((c) => c.namespace === 'cookiemonster' && c.container === 'worker')).toBe(true);
    expect(fake.calls.every((c) => c.command.slice(0, defaultHostPrefix.length).join(' ') === defaultHostPrefix.join(' '))).toBe(true);
    expect(defaultHostPrefix).toEqual(['nsenter', '--target', '1', '--mount', '--uts', '--ipc', '--net', '--pid', '--']);
    // The not-ready node has no worker pod: named, as an error, not silently skipped.
    expect(entriesOf(entries, 'error').map((e) => e.message)).toEqual([
      'no running worker pod on node node-down (pods app.kubernetes.io/name=kube-cookiemonster,app.kubernetes.io/component=node-worker in namespace cookiemonster)',
    ]);
    expect(entriesOf(entries, 'cookie-start')[0]?.target).toBe('all nodes');
  });

  it('a named node runs there only; an unknown node is an error naming the known ones', async () => {
    const { fake, run, podOn } = await setup(() => ({ stdout: 'up 3 days\n', exitCode: 0 }));
    const entries = await run(cookie({ kind: 'node', name: 'node-2' }));
    expect(entriesOf(entries, 'exec')).toEqual([expect.objectContaining({ node: 'node-2', command: ['uptime'], exitCode: 0, stdout: 'up 3 days\n', stderr: '' })]);
    expect(fake.calls.map((c) => c.pod)).toEqual([podOn('node-2')]);
    const missing = await run(cookie({ kind: 'node', name: 'cn02.k4.stg.taco' }));
    expect(entriesOf(missing, 'error').at(-1)).toMatchObject({ code: 'not-found', message: 'Can not find node cn02.k4.stg.taco, doing nothing', hint: 'known nodes: node-1, node-2, node-3, node-down' });
  });

  it('a random target picks one ready node that has a worker', async () => {
    const { fake, run } = await setup(() => ({ exitCode: 0 }), { gap: true });
    for (let i = 0; i < 6; i++) await run(cookie({ kind: 'random' }));
    const nodes = new Set(fake.calls.map((c) => c.pod));
    expect(fake.calls).toHaveLength(6);
    expect(nodes.size).toBeGreaterThanOrEqual(1);
    expect(nodes.size).toBeLessThanOrEqual(2);
  });

  it('records a command that failed to start without an exit code', async () => {
    const { run } = await setup(() => ({ status: { status: 'Failure', message: 'OCI runtime exec failed: exec: "nsenter": executable file not found in $PATH' } }));
    const entries = await run(cookie({ kind: 'node', name: 'node-1' }));
    expect(entriesOf(entries, 'exec')[0]).toMatchObject({ exitCode: null, stderr: '[cookiemonster] OCI runtime exec failed: exec: "nsenter": executable file not found in $PATH' });
  });

  it('a refused exec (RBAC) is one error per node with the permission it needs, and stops that node', async () => {
    const { fake, run } = await setup(() => ({ refuse: 403 }));
    const entries = await run(cookie({ kind: 'node', name: 'node-1' }, [{ command: 'a', parameters: [] }, { command: 'b', parameters: [] }]));
    expect(fake.calls).toHaveLength(1);
    expect(entriesOf(entries, 'exec')).toHaveLength(0);
    expect(entriesOf(entries, 'error')).toEqual([expect.objectContaining({ code: 'forbidden', message: 'forbidden: cannot create pods/exec in namespace "cookiemonster"' })]);
  });

  it('dry run executes nothing and says so', async () => {
    const { fake, run } = await setup(() => ({ exitCode: 0 }), { dryRun: true });
    const entries = await run(cookie({ kind: 'all' }));
    expect(fake.calls).toHaveLength(0);
    const execs = entriesOf(entries, 'exec');
    expect(execs.map((e) => [e.node, e.dryRun, e.exitCode, e.cancelled]).sort()).toEqual(['node-1', 'node-2', 'node-3'].map((n) => [n, true, null, false]));
    for (const e of execs) expect(e.stdout).toMatch(/^dry run: would run in cookiemonster\/cookiemonster-node-worker-/);
  });
});
