import { afterEach, describe, expect, it } from 'vitest';
import { createPodExec, fromStatus } from '../../src/kube/exec.js';
import { startFakeExecServer, type ExecHandler } from '../helpers/fake-exec.js';

const servers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  while (servers.length) await servers.pop()?.close();
});

async function setup(handler: ExecHandler) {
  const fake = await startFakeExecServer(handler);
  servers.push(fake);
  const exec = await createPodExec({ kubeconfigYaml: fake.kubeconfigYaml('s3cret'), env: {} });
  return { fake, exec };
}

describe('createPodExec against a loopback exec endpoint (channel protocol v4)', () => {
  it('captures stdout, stderr and exit code 0, sending argv, container and the bearer token', async () => {
    const { fake, exec } = await setup(() => ({ stdout: 'USER PID\nroot 1\n', stderr: 'warning: x\n', exitCode: 0 }));
    const result = await exec({ namespace: 'cookiemonster', pod: 'worker-a', container: 'worker', command: ['ps', 'aux'] });
    expect(result).toMatchObject({ exitCode: 0, stdout: 'USER PID\nroot 1\n', stderr: 'warning: x\n', failure: undefined });
    expect(fake.calls).toEqual([
      expect.objectContaining({ namespace: 'cookiemonster', pod: 'worker-a', container: 'worker', command: ['ps', 'aux'], stdout: true, stderr: true, authorization: 'Bearer s3cret', protocol: expect.stringContaining('v4.channel.k8s.io') }),
    ]);
  });

  it('reads a non-zero exit code from the NonZeroExitCode status', async () => {
    const { exec } = await setup(() => ({ stderr: 'boom\n', exitCode: 3 }));
    expect(await exec({ namespace: 'ns', pod: 'p', command: ['false'] })).toMatchObject({ exitCode: 3, stderr: 'boom\n', stdout: '' });
  });

  it('reports a runtime failure without exit code', async () => {
    const status = { status: 'Failure', message: 'OCI runtime exec failed: exec: "nope": executable file not found in $PATH: unknown', reason: 'InternalError' };
    const { exec } = await setup(() => ({ status }));
    expect(await exec({ namespace: 'ns', pod: 'p', command: ['nope'] })).toMatchObject({ exitCode: null, failure: status.message });
  });

  it('times out a command that never ends and closes the socket', async () => {
    const { fake, exec } = await setup(() => ({ hang: true }));
    const result = await exec({ namespace: 'ns', pod: 'p', command: ['sleep', 'infinity'], timeoutMs: 150 });
    expect(result).toMatchObject({ exitCode: null, failure: 'timed out after 150 ms', cancelled: false });
    await expect.poll(() => fake.open()).toBe(0);
  });

  it('a timeout longer than setTimeout can wait (600h) lets a command that answers later finish', async () => {
    const { exec } = await setup(() => new Promise((resolve) => setTimeout(() => resolve({ stdout: 'done\n', exitCode: 0 }), 50)));
    const result = await exec({ namespace: 'ns', pod: 'p', command: ['sleep', '0.05'], timeoutMs: 600 * 3_600_000 });
    expect(result).toMatchObject({ exitCode: 0, stdout: 'done\n', failure: undefined });
  });

  it('is cancelled by its signal', async () => {
    const { exec } = await setup(() => ({ hang: true }));
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    expect(await exec({ namespace: 'ns', pod: 'p', command: ['sleep', '1000'], signal: controller.signal })).toMatchObject({ exitCode: null, failure: 'cancelled', cancelled: true });
  });

  it('maps a refused upgrade to forbidden with the RBAC it needs', async () => {
    const { exec } = await setup(() => ({ refuse: 403 }));
    await expect(exec({ namespace: 'cookiemonster', pod: 'worker-a', command: ['id'] })).rejects.toMatchObject({
      code: 'forbidden',
      message: 'forbidden: cannot create pods/exec in namespace "cookiemonster"',
      hint: expect.stringContaining('pods/exec'),
    });
  });

  it('maps a missing pod to not-found', async () => {
    const { exec } = await setup(() => ({ refuse: 404 }));
    await expect(exec({ namespace: 'ns', pod: 'gone', command: ['id'] })).rejects.toMatchObject({ code: 'not-found', message: 'not found: pods/exec "gone" in namespace "ns"' });
  });

  it('maps a refused connection to cluster-unreachable', async () => {
    const fake = await startFakeExecServer(() => ({}));
    const yaml = fake.kubeconfigYaml();
    await fake.close();
    const exec = await createPodExec({ kubeconfigYaml: yaml, env: {} });
    await expect(exec({ namespace: 'ns', pod: 'p', command: ['id'] })).rejects.toMatchObject({ code: 'cluster-unreachable' });
  });

  it('keeps at most maxOutputBytes of a stream', async () => {
    const fake = await startFakeExecServer(() => ({ stdout: 'x'.repeat(5000), exitCode: 0 }));
    servers.push(fake);
    const exec = await createPodExec({ kubeconfigYaml: fake.kubeconfigYaml(), env: {}, maxOutputBytes: 1000 });
    const result = await exec({ namespace: 'ns', pod: 'p', command: ['yes'] });
    expect(result.stdout).toBe(`${'x'.repeat(1000)}\n… (4000 more bytes not kept)`);
  });
});

describe('fromStatus', () => {
  it.each([
    [undefined, { exitCode: null, failure: 'the connection closed without an exit status' }],
    [{ status: 'Success' }, { exitCode: 0, failure: undefined }],
    [{ status: 'Failure', reason: 'NonZeroExitCode', details: { causes: [{ reason: 'ExitCode', message: '137' }] } }, { exitCode: 137, failure: undefined }],
    [{ status: 'Failure', reason: 'NonZeroExitCode', details: { causes: [{ reason: 'ExitCode', message: 'x' }] } }, { exitCode: null, failure: 'the command failed without an exit code' }],
  ])('%j', (status, expected) => {
    expect(fromStatus(status)).toEqual(expected);
  });
});
