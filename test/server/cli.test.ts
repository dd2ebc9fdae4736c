import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/exit-codes.js';
import { startTestApiServer, type TestApiServer } from '../helpers/fake-apiserver.js';
import { cli, type InProcessCli } from './cli-io.js';
import { cookieDir, fastKillpod } from './harness.js';

const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (closers.length) await closers.pop()?.();
});

async function api(seed: (a: TestApiServer) => void): Promise<{ api: TestApiServer; kubeconfig: string }> {
  const server = await startTestApiServer();
  closers.push(server.close);
  seed(server);
  const dir = await mkdtemp(join(tmpdir(), 'kcm-serve-'));
  const kubeconfig = join(dir, 'kubeconfig');
  await server.writeKubeconfig(kubeconfig);
  return { api: server, kubeconfig };
}

/** Starts `cookiemonster serve` in-process; resolves with its URL once it listens. */
async function serve(args: string[], env: Record<string, string> = {}): Promise<{ url: string; run: InProcessCli }> {
  const run = cli(['serve', '--port', '0', ...args], { env });
  closers.push(async () => {
    run.terminate();
    await run.done;
  });
  let url: string | undefined;
  await expect.poll(() => (url = /serving on (http:\/\/\S+)/.exec(run.err())?.[1]), { timeout: 5000 }).toBeDefined();
  return { url: url as string, run };
}

describe('cookiemonster serve (the CLI)', () => {
  it('fills `self` from POD_NAME/POD_NAMESPACE: its own pod is never a victim; SIGTERM stops jobs and exits 0', async () => {
    const { api: a, kubeconfig } = await api((s) => s.sim.addDeployment({ namespace: 'cookiemonster', name: 'cookiemonster', replicas: 8 }));
    const self = a.sim.pods('cookiemonster')[0]?.metadata.name as string;
    const root = await cookieDir({ 'killpod/own.json': fastKillpod({ name: 'cookiemonster', namespace: 'cookiemonster', safety: { minAvailable: 1 } }) });
    const { url, run } = await serve(['--kubeconfig', kubeconfig, '--cookies', root, '--seed', '1', '--log-format', 'legacy'], { POD_NAME: self, POD_NAMESPACE: 'cookiemonster' });
    expect(run.err()).toContain(`never killing cookiemonster/${self}`);
    expect(await (await fetch(`${url}/start/killpod/own`)).text()).toBe('start initiated\n');
    // With the others gone only the server's own pod is left: nothing more to kill.
    await expect.poll(() => a.sim.pods('cookiemonster').map((p) => p.metadata.name), { timeout: 5000 }).toEqual([self]);
    const status = await (await fetch(`${url}/status/killpod/own`)).text();
    expect(status).toContain('kills: 7\n');
    expect(status).not.toContain(self);
    run.terminate();
    expect(await run.done).toBe(ExitCode.passed);
    expect(run.err()).toContain('SIGTERM received: stopping every job and flushing kill logs\n');
    expect(run.err()).toContain('Done snacking on own\n');
    expect(run.err()).toMatch(/ stopped\n$/);
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  });

  it('refuses a non-loopback --host without a token, and serves there with one', async () => {
    const { kubeconfig } = await api(() => {});
    const refused = cli(['serve', '--port', '0', '--host', '0.0.0.0', '--kubeconfig', kubeconfig]);
    expect(await refused.done).toBe(ExitCode.usage);
    expect(refused.err()).toContain('cookiemonster: --host 0.0.0.0 is not a loopback address: a bearer token is required to serve there\nhint: give --token-file FILE or set $KCM_SERVER_TOKEN');
    const empty = cli(['serve', '--port', '0', '--host', '0.0.0.0', '--kubeconfig', kubeconfig], { env: { KCM_SERVER_TOKEN: ' ' } });
    expect(await empty.done).toBe(ExitCode.usage);
    expect(empty.err()).toContain('$KCM_SERVER_TOKEN: expected a token, found an empty value');
    const { url, run } = await serve(['--host', '0.0.0.0', '--kubeconfig', kubeconfig], { KCM_SERVER_TOKEN: 'tok-7' });
    expect(url).toMatch(/^http:\/\/0\.0\.0\.0:\d+$/);
    expect(run.err()).toContain('(start/stop need the bearer token)');
    expect(run.err()).not.toContain('tok-7');
  });

  it('rejects bad flags with one line naming the flag', async () => {
    const bad = cli(['serve', '--port', '70000']);
    expect(await bad.done).toBe(ExitCode.usage);
    expect(bad.err()).toBe('cookiemonster: --port: expected a port 0-65535, got 70000\n');
  });
});

describe('cookiemonster start | status | stop --server (a chaos window across pipeline stages)', () => {
  it('starts a cookie, shows it, stops it and writes its JUnit and kill log; the token is sent from --token-file', async () => {
    const { api: a, kubeconfig } = await api((s) => s.sim.addDeployment({ namespace: 'openstack', name: 'keystone', replicas: 20 }));
    const root = await cookieDir({ 'killpod/keystone-chaos.json': fastKillpod({ safety: { minAvailable: 1 } }) });
    const { url } = await serve(['--kubeconfig', kubeconfig, '--cookies', root, '--recovery-timeout', '200ms'], { KCM_SERVER_TOKEN: 'tok-42' });
    const work = await mkdtemp(join(tmpdir(), 'kcm-client-'));
    await writeFile(join(work, 'token'), 'tok-42\n');

    const anonymous = cli(['start', '--server', url, 'killpod/keystone-chaos'], { cwd: work });
    expect(await anonymous.done).toBe(ExitCode.cluster);
    expect(anonymous.err()).toMatch(/^cookiemonster: http:\/\/127\.0\.0\.1:\d+: unauthorized: POST \/api\/v2\/jobs changes state.*\nhint: give the server token with --token-file FILE or \$KCM_SERVER_TOKEN\n$/);

    const start = cli(['start', '--server', url, '--token-file', 'token', 'killpod/keystone-chaos'], { cwd: work });
    expect(await start.done).toBe(ExitCode.passed);
    expect(start.out()).toBe('started keystone-chaos-1 running: killpod/keystone-chaos: 1 pod of deployment/keystone in openstack; kills 0, skips 0, errors 0\n');
    await expect.poll(() => a.sim.pods('openstack').length, { timeout: 5000 }).toBeLessThan(18);

    const status = cli(['status', '--server', url, 'killpod/keystone-chaos'], { cwd: work });
    expect(await status.done).toBe(ExitCode.passed);
    expect(status.out()).toMatch(/^keystone-chaos-1 running: .*; kills \d+, skips 0, errors 0\n$/);

    const stop = cli(['stop', '--server', url, '--token-file', 'token', 'killpod/keystone-chaos', '--junit', 'out/junit.xml', '--kill-log', 'out/kills.jsonl'], { cwd: work });
    const code = await stop.done;
    const killed = 20 - a.sim.pods('openstack').length;
    // No controllers in this fake: nothing comes back, so the job ends chaos-failed (unrecovered) and stop says so.
    expect(code).toBe(ExitCode.chaosFailed);
    expect(stop.out()).toMatch(new RegExp(`^stopped keystone-chaos-1 finished: .*; kills ${killed}, skips 0, errors 0, chaos-failed \\(exit 4\\)\\n`));
    expect(stop.out()).toContain('reports: out/junit.xml, out/kills.jsonl\n');
    const log = (await readFile(join(work, 'out/kills.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { kind: string });
    expect(log.filter((e) => e.kind === 'bite')).toHaveLength(killed);
    expect(log.at(-1)).toMatchObject({ kind: 'run-end', outcome: 'chaos-failed', exitCode: 4 });
    const junit = await readFile(join(work, 'out/junit.xml'), 'utf8');
    expect(junit).toMatch(/^<\?xml/);
    expect(junit).toContain('keystone-chaos');
  });

  it('names the server when it cannot be reached', async () => {
    const down = cli(['status', '--server', 'http://127.0.0.1:1']);
    expect(await down.done).toBe(ExitCode.cluster);
    expect(down.err()).toMatch(/^cookiemonster: cannot reach the cookiemonster server at http:\/\/127\.0\.0\.1:1: (bad port|ECONNREFUSED)\n/);
  });
});
