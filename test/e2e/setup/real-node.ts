import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { exec, execOrThrow, lastLine } from '../lib/exec.js';
import { clusterScripts } from '../lib/paths.js';

export interface RealNode {
  stateDir: string;
  /** Admin kubeconfig, server https://10.99.0.2:6443 (the node's netns, reached from the host through a veth). */
  kubeconfig: string;
  /** hostPath directory mounted into test pods: their SIGTERM traps write here. */
  evidenceDir: string;
  nodeName: string;
}

/** Why this machine cannot run the real node, or undefined when it can. */
export function realNodeUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return 'the real node needs root (network namespace, containerd, kubelet)';
  if (!existsSync('/usr/bin/containerd')) return 'containerd is not installed (bash test/cluster/provision.sh node installs it)';
  return undefined;
}

/**
 * provision.sh node (cached kubelet + kube-scheduler + pause) → node-up.sh: control plane, scheduler, containerd and
 * kubelet in network namespace kcm-node, node Ready. On failure node-up.sh has already torn everything down.
 */
export async function startRealNode(stateDir: string, controlPlaneBinDir: string | undefined, log: (line: string) => void): Promise<RealNode> {
  let t = Date.now();
  const nodeBin = lastLine((await execOrThrow('bash', [join(clusterScripts, 'provision.sh'), 'node'], { timeoutMs: 30 * 60_000 })).stdout);
  log(`provision.sh node: ${Date.now() - t} ms`);
  const cpBin = controlPlaneBinDir ?? lastLine((await execOrThrow('bash', [join(clusterScripts, 'provision.sh')], { timeoutMs: 30 * 60_000 })).stdout);
  t = Date.now();
  const env = { ...process.env, KCM_BIN_DIR: cpBin, KCM_NODE_BIN_DIR: nodeBin };
  const kubeconfig = lastLine((await execOrThrow('bash', [join(clusterScripts, 'node-up.sh'), stateDir], { env, timeoutMs: 300_000 })).stdout);
  log(`node-up.sh (control plane + containerd + kubelet, node Ready): ${Date.now() - t} ms`);
  return { stateDir, kubeconfig, evidenceDir: join(stateDir, 'evidence'), nodeName: 'kcm-node' };
}

/** node-down.sh, then its leftover check; returns the leftovers (empty when the host is clean). */
export async function stopRealNode(stateDir: string, log: (line: string) => void): Promise<string[]> {
  const t = Date.now();
  const r = await exec('bash', [join(clusterScripts, 'node-down.sh'), stateDir], { timeoutMs: 180_000 });
  log(`node-down.sh: exit ${r.code} in ${Date.now() - t} ms`);
  if (r.code === 0) return [];
  return r.stderr.split('\n').filter((l) => l.includes('left behind') || l.includes('ERROR'));
}
