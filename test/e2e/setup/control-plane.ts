import { spawn } from 'node:child_process';
import { existsSync, openSync, closeSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { exec, execOrThrow, lastLine } from '../lib/exec.js';
import { clusterScripts } from '../lib/paths.js';

export interface ControlPlane {
  stateDir: string;
  kubeconfig: string;
  binDir: string;
  timings: Record<string, number>;
}

export interface ControlPlaneOptions {
  stateDir: string;
  nodes: number;
  readyDelayMs: number;
  log: (line: string) => void;
}

/**
 * provision.sh (cached build) → up.sh (etcd, kube-apiserver, kube-controller-manager) → fake-kubelet.mjs.
 * Every process is recorded in STATE_DIR/*.pid, which is what down.sh stops; on any failure here everything
 * started so far is stopped before the error is rethrown.
 */
export async function startControlPlane(options: ControlPlaneOptions): Promise<ControlPlane> {
  const timings: Record<string, number> = {};
  const timed = async <T>(name: string, body: () => Promise<T>): Promise<T> => {
    const t = Date.now();
    const value = await body();
    timings[name] = Date.now() - t;
    options.log(`${name}: ${timings[name]} ms`);
    return value;
  };
  const binDir = await timed('provision.sh', async () =>
    lastLine((await execOrThrow('bash', [join(clusterScripts, 'provision.sh')], { timeoutMs: 20 * 60_000 })).stdout),
  );
  try {
    const kubeconfig = await timed('up.sh', async () =>
      lastLine((await execOrThrow('bash', [join(clusterScripts, 'up.sh'), options.stateDir], { env: { ...process.env, KCM_BIN_DIR: binDir }, timeoutMs: 120_000 })).stdout),
    );
    await timed('fake-kubelet start', () => startFakeKubelet(options));
    return { stateDir: options.stateDir, kubeconfig, binDir, timings };
  } catch (error) {
    await stopControlPlane(options.stateDir, options.log);
    throw error;
  }
}

async function startFakeKubelet(options: ControlPlaneOptions): Promise<void> {
  const logFd = openSync(join(options.stateDir, 'fake-kubelet.log'), 'a');
  const args = [join(clusterScripts, 'fake-kubelet.mjs'), '--state-dir', options.stateDir, '--nodes', String(options.nodes), '--ready-delay-ms', String(options.readyDelayMs), '--quiet'];
  // Its own session, like up.sh's processes: it outlives a crashed test worker and down.sh stops it by pid file.
  const child = spawn(process.execPath, args, { detached: true, stdio: ['ignore', logFd, logFd] });
  child.unref();
  closeSync(logFd);
  const pidFile = join(options.stateDir, 'fake-kubelet.pid');
  for (let i = 0; i < 100; i++) {
    if (existsSync(pidFile) && readFileSync(pidFile, 'utf8').trim() !== '') return;
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`fake-kubelet did not start (see ${join(options.stateDir, 'fake-kubelet.log')})`);
}

/** down.sh: stops the fake kubelet, controller-manager, apiserver and etcd by their recorded PIDs. */
export async function stopControlPlane(stateDir: string, log: (line: string) => void): Promise<void> {
  const t = Date.now();
  const r = await exec('bash', [join(clusterScripts, 'down.sh'), stateDir], { timeoutMs: 120_000 });
  log(`down.sh: exit ${r.code} in ${Date.now() - t} ms`);
  if (r.code !== 0) log(r.stderr.trim());
}

/** Processes still running whose command line mentions the state dir (the leak check). */
export async function leftoverProcesses(stateDir: string): Promise<string[]> {
  const r = await exec('ps', ['-eo', 'pid=,args=']);
  return r.stdout
    .split('\n')
    .filter((line) => line.includes(stateDir) && /kube-apiserver|kube-controller-manager|etcd|fake-kubelet/.test(line) && !line.includes(' ps '));
}
