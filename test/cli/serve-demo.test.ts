import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { binPath } from './run-cli.js';

interface Served {
  child: ChildProcess;
  stderr: () => string;
  exited: Promise<number | null>;
}

const children: ChildProcess[] = [];
afterEach(() => children.splice(0).forEach((child) => child.exitCode === null && child.kill('SIGKILL')));

/** The built CLI as a user starts it: `cookiemonster serve --demo …` in a directory without cookies or kubeconfig. */
function serveDemo(args: string[]): Served {
  const cwd = mkdtempSync(join(tmpdir(), 'kcm-serve-demo-'));
  const child = spawn(process.execPath, [binPath, 'serve', '--demo', ...args], { cwd, env: { PATH: process.env['PATH'] ?? '', HOME: cwd, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { child, stderr: () => stderr, exited };
}

const text = async (url: string): Promise<string> => (await fetch(url)).text();

describe('cookiemonster serve --demo (built CLI, black box)', () => {
  it('answers /list, /start, /status and /stop of the README against the simulated cluster, and exits 0 on SIGTERM', async () => {
    const served = serveDemo(['--port', '0', '--seed', '3']);
    let base: string | undefined;
    await expect.poll(() => (base = /serving on (http:\/\/\S+)/.exec(served.stderr())?.[1]), { timeout: 20_000 }).toBeDefined();
    expect(served.stderr()).toMatch(/demo: simulated Kubernetes API at http:\/\/127\.0\.0\.1:\d+ \(namespace openstack\)/);

    expect(await text(`${base}/list`)).toBe('horizon\nmariadb-quorum\nopenstack-random-deployment\nopenvswitch-agent\n');
    expect(await text(`${base}/show/killpod/horizon`)).toContain('"name": "horizon"');
    const job = `${base}/status/killpod/openstack-random-deployment`;
    expect(await text(`${base}/start/killpod/openstack-random-deployment`)).toBe('start initiated\n');
    expect(await text(`${base}/status/killpod`)).toBe('Running Jobs:\nopenstack-random-deployment\n');
    // A tick every 2 s; a random Deployment with one pod is skipped by the floor. Wait for the first kill.
    await expect.poll(async () => Number(/kills: (\d+)/.exec(await text(job))?.[1]), { timeout: 30_000 }).toBeGreaterThanOrEqual(1);
    expect(await text(job)).toMatch(/^ {2}\S+ openstack\/\S+ \(deployment\/\S+ on \S+\)/m);

    expect(await text(`${base}/stop/killpod/openstack-random-deployment`)).toBe('stop initiated\n');
    await expect.poll(() => text(`${base}/status/killpod`), { timeout: 30_000 }).toBe('Running Jobs:\n');
    expect(await text(job)).toMatch(/state: (stopping|finished) \(stopped\)/);

    served.child.kill('SIGTERM');
    expect(await served.exited).toBe(0);
    expect(served.stderr()).toMatch(/ stopped\n$/);
  }, 60_000);

  it('refuses --kubeconfig next to --demo in one line, exit 2', async () => {
    const served = serveDemo(['--kubeconfig', 'kubeconfig']);
    expect(await served.exited).toBe(2);
    expect(served.stderr().trim().split('\n')).toEqual([expect.stringContaining('--kubeconfig: --demo serves the built-in simulated cluster')]);
  });
});
