import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { startFakeApiServer, type FakeApiServer } from '../../../src/sim/index.js';
import type { E2eContext } from '../global-setup.js';
import { kubeApiFromKubeconfig, type KubeApi } from './kube-api.js';
import { createReadOnlyServiceAccount, writeTokenKubeconfig } from './rbac.js';
import { nodePodSpec } from './node-workloads.js';
import { NEVER_READY, createDeployment, createNamespace, createPdb, waitForDeployment, type PodInfo } from './workloads.js';

export type BackendName = 'real-node' | 'real' | 'fake';

/**
 * One API server the scenarios run against: the real node (real kubelet and containers, test/cluster/node-up.sh), the
 * real control plane with the fake kubelet (test/cluster), or the loopback fake API server (src/sim). Workloads are created the way each one supports (HTTP for the real one, the seeding API for the fake),
 * and everything the scenarios check afterwards is read back over HTTP, identically for both.
 */
export interface Backend {
  readonly name: BackendName;
  /** Admin kubeconfig the CLI runs with. */
  readonly kubeconfig: string;
  readonly api: KubeApi;
  /**
   * A `--max-recovery` that a healthy recovery meets here. Recovery ends when the victim is gone: at once on `fake` and
   * `real`, but a real kubelet 1.20 confirms a deletion only after the container exited, its volumes and cgroup are
   * cleaned up and its status manager syncs: 10-15 s typically, and up to 75 s was seen on a loaded 2-core machine.
   */
  readonly maxRecovery: string;
  createNamespace(namespace: string): Promise<void>;
  createDeployment(namespace: string, name: string, replicas: number, options?: { neverReady?: boolean }): Promise<void>;
  createPdb(namespace: string, name: string, app: string, budget: { minAvailable: number } | { maxUnavailable: number }): Promise<void>;
  /** Waits until the Deployment is rolled out and returns its pods. */
  waitForDeployment(namespace: string, name: string): Promise<PodInfo[]>;
  /** Writes a kubeconfig whose identity may read workloads and pods in `namespace` but not delete or evict pods. */
  writeReadOnlyKubeconfig(namespace: string, path: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * `real` without `node`: pods get ready through the fake kubelet's annotations. With `node` (the real node): real
 * busybox pods, Ready through an httpGet probe, a never-ready pod through a probe that always fails.
 */
export function realBackend(real: { kubeconfig: string }, node?: { evidenceDir: string }): Backend {
  const api = kubeApiFromKubeconfig(real.kubeconfig);
  const caPem = caOf(real.kubeconfig);
  return {
    name: node ? 'real-node' : 'real',
    kubeconfig: real.kubeconfig,
    maxRecovery: node ? '150s' : '30s',
    api,
    createNamespace: (ns) => createNamespace(api, ns),
    createDeployment: (ns, name, replicas, o = {}) =>
      node
        ? createDeployment(api, ns, name, replicas, { podSpec: nodePodSpec({ evidenceDir: node.evidenceDir, ...(o.neverReady && { neverReady: true }) }) })
        : createDeployment(api, ns, name, replicas, o.neverReady ? { podAnnotations: NEVER_READY } : {}),
    createPdb: async (ns, name, app, budget) => void (await createPdb(api, ns, name, app, budget)),
    waitForDeployment: (ns, name) => waitForDeployment(api, ns, name),
    async writeReadOnlyKubeconfig(namespace, path) {
      const token = await createReadOnlyServiceAccount(api, namespace, 'cookiemonster-readonly');
      await writeTokenKubeconfig(path, { server: api.server, token, caPem, namespace });
    },
    close: async () => undefined,
  };
}

/** Timing like the real setup: a replacement appears at once (ReplicaSet controller) and is Ready 300 ms later (fake kubelet). */
export async function fakeBackend(workDir: string): Promise<Backend> {
  const token = 'e2e-admin-token';
  const server: FakeApiServer = await startFakeApiServer({
    controllers: { replaceDelayMs: 50, readyDelayMs: 300 },
    kubernetesVersion: 'v1.20.2',
    token,
    user: 'system:serviceaccount:e2e:cookiemonster-readonly',
  });
  const kubeconfig = join(workDir, `fake-${server.url.split(':').at(-1)}.kubeconfig`);
  await server.writeKubeconfig(kubeconfig);
  const api = kubeApiFromKubeconfig(kubeconfig);
  const { sim } = server;
  return {
    name: 'fake',
    kubeconfig,
    maxRecovery: '30s',
    api,
    createNamespace: async (ns) => void sim.addNamespace(ns),
    createDeployment: async (ns, name, replicas, o = {}) =>
      void sim.addDeployment({ namespace: ns, name, replicas, ...(o.neverReady && { ready: 0, podAnnotations: NEVER_READY }) }),
    createPdb: async (ns, name, app, budget) => void sim.addPdb({ namespace: ns, name, selector: { matchLabels: { app } }, ...budget }),
    waitForDeployment: (ns, name) => waitForDeployment(api, ns, name),
    async writeReadOnlyKubeconfig(namespace, path) {
      // RBAC-lite has one identity: forbid what the real Role leaves out, in this namespace only.
      sim.forbid({ verb: 'delete', resource: 'pods', namespace });
      sim.forbid({ verb: 'create', resource: 'pods/eviction', namespace });
      await server.writeKubeconfig(path, { namespace });
    },
    close: () => server.close(),
  };
}

/** The backends this run covers, in the order the scenarios run them (a real node only where it could start). */
export function backendNames(e2e: E2eContext): BackendName[] {
  return (['real-node', 'real', 'fake'] as const).filter((b) => e2e.backends.includes(b) && (b !== 'real-node' || !('missing' in e2e.realNode)));
}

export async function openBackend(name: BackendName, e2e: E2eContext): Promise<Backend> {
  if (name === 'fake') return fakeBackend(e2e.workDir);
  if (name === 'real-node') {
    if ('missing' in e2e.realNode) throw new Error(`the real node is not running: ${e2e.realNode.missing}`);
    return realBackend(e2e.realNode, e2e.realNode);
  }
  if ('missing' in e2e.real) throw new Error(`the real control plane is not running: ${e2e.real.missing}`);
  return realBackend(e2e.real);
}

function caOf(kubeconfig: string): string | undefined {
  const config = parse(readFileSync(kubeconfig, 'utf8')) as { clusters?: { cluster: { 'certificate-authority-data'?: string } }[] };
  const data = config.clusters?.[0]?.cluster['certificate-authority-data'];
  return data ? Buffer.from(data, 'base64').toString('utf8') : undefined;
}
