import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { TestProject } from 'vitest/node';
import { compareOutcomes } from './lib/compare.js';
import { leftoverProcesses, startControlPlane, stopControlPlane, type ControlPlane } from './setup/control-plane.js';
import { installPackedCli } from './setup/install-tarball.js';
import { prepareRally, type RallyEnv } from './setup/rally-env.js';
import { realNodeUnavailable, startRealNode, stopRealNode, type RealNode } from './setup/real-node.js';

/** What every scenario file gets through `inject('e2e')`. */
export interface E2eContext {
  workDir: string;
  cli: { bin: string; tarball: string; projectDir: string };
  rally: RallyEnv;
  /** The real control plane, or why it is not used in this run. */
  real: { kubeconfig: string; stateDir: string } | { missing: string };
  /** The real node (kubelet + containerd in netns kcm-node, with its own control plane), or why it is not used. */
  realNode: RealNode | { missing: string };
  backends: string[];
}

declare module 'vitest' {
  export interface ProvidedContext {
    e2e: E2eContext;
  }
}

const optionalPath = (name: string): string | undefined => (process.env[name] ? resolve(process.env[name]) : undefined);
const log = (line: string): void => void process.stderr.write(`[e2e setup] ${line}\n`);

/**
 * Once per `npm run test:e2e`: pack and install the CLI, prepare a private Rally, start the real control plane
 * (unless KCM_E2E_BACKENDS leaves `real` out). The returned teardown stops every process and removes the work dir
 * (kept with KCM_E2E_KEEP=1). KCM_E2E_STATE_DIR fixes the control plane's state dir so that a wrapper
 * (.ci/run) can run down.sh on it even if this process is killed; KCM_E2E_TARBALL tests a prebuilt tarball.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started = Date.now();
  const backends = (process.env['KCM_E2E_BACKENDS'] ?? 'real-node,real,fake').split(',').map((s) => s.trim()).filter(Boolean);
  const workDir = await mkdtemp(join(tmpdir(), 'kcm-e2e-'));
  log(`work dir ${workDir}; backends: ${backends.join(', ')}`);
  let plane: ControlPlane | undefined;
  let stateDir: string | undefined;
  let nodeStateDir: string | undefined;

  const teardown = async (): Promise<void> => {
    const table = await compareOutcomes(workDir).catch((error: unknown) => `(no comparison: ${String(error)})`);
    if (table) log(`outcomes on real-node (real kubelet + containers), real (control plane + fake kubelet) and fake (loopback API):\n${table}`);
    let nodeLeftovers: string[] = [];
    if (nodeStateDir) {
      nodeLeftovers = await stopRealNode(nodeStateDir, log);
      if (nodeLeftovers.length > 0) log(`ERROR: the real node left things behind:\n${nodeLeftovers.join('\n')}`);
      else log('no real-node process, mount, cgroup, netns or interface left');
    }
    if (stateDir) {
      await stopControlPlane(stateDir, log);
      const left = await leftoverProcesses(stateDir);
      if (left.length > 0) log(`WARNING: processes left behind:\n${left.join('\n')}`);
      else log('no control-plane process left');
    }
    if (process.env['KCM_E2E_KEEP'] === '1') log(`kept ${workDir}`);
    else await rm(workDir, { recursive: true, force: true });
    // The suite fails when the node leaves anything behind (node-leftovers.sh lists it above).
    if (nodeLeftovers.length > 0) throw new Error(`the real node left things behind: ${nodeLeftovers.join('; ')}`);
  };

  try {
    const [cli, rally] = await Promise.all([installPackedCli(workDir, log, optionalPath('KCM_E2E_TARBALL')), prepareRally(workDir, log)]);
    if ('missing' in rally) {
      if (process.env['CI']) throw new Error(`Rally is required in CI (apt-get install rally): ${rally.missing}`);
      log(`Rally scenarios will be skipped: ${rally.missing}`);
    }
    let real: E2eContext['real'] = { missing: 'KCM_E2E_BACKENDS does not include "real"' };
    let realNode: E2eContext['realNode'] = { missing: 'KCM_E2E_BACKENDS does not include "real-node"' };
    const startReal = async (): Promise<void> => {
      if (!backends.includes('real')) return;
      stateDir = resolve(process.env['KCM_E2E_STATE_DIR'] ?? join(workDir, 'cluster'));
      await mkdir(stateDir, { recursive: true });
      plane = await startControlPlane({ stateDir, nodes: 2, readyDelayMs: 300, log });
      real = { kubeconfig: plane.kubeconfig, stateDir };
    };
    const startNode = async (): Promise<void> => {
      if (!backends.includes('real-node')) return;
      const why = realNodeUnavailable();
      if (why) {
        if (process.env['CI']) throw new Error(`the real node is required in CI: ${why}`);
        realNode = { missing: why };
        log(`real-node scenarios will be skipped: ${why}`);
        return;
      }
      nodeStateDir = resolve(process.env['KCM_E2E_NODE_STATE_DIR'] ?? join(workDir, 'node'));
      await mkdir(nodeStateDir, { recursive: true });
      realNode = await startRealNode(nodeStateDir, undefined, log);
    };
    // Both at once: the node's own control plane runs in its network namespace, so the fixed ports never clash.
    const starts = await Promise.allSettled([startReal(), startNode()]);
    const failed = starts.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    project.provide('e2e', { workDir, cli, rally, real, realNode, backends });
    log(`ready in ${Date.now() - started} ms`);
    return teardown;
  } catch (error) {
    await teardown();
    throw error;
  }
}
