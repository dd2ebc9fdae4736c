import type { KubeApi } from './kube-api.js';

/** Manifests and waits the scenarios share; plain HTTP against whatever API server the KubeApi points at. */
export const NEVER_READY = { 'kcm-test/never-ready': 'true' };

export interface PodInfo {
  uid: string;
  name: string;
  ready: boolean;
  phase: string;
  deleting: boolean;
  podIP: string;
  nodeName: string;
}

export interface WorkloadOptions {
  podAnnotations?: Record<string, string>;
  /** The pod spec (default: a placeholder image, which only the fake kubelet and the fake API server accept). */
  podSpec?: Record<string, unknown>;
}

export function deploymentManifest(name: string, replicas: number, options: WorkloadOptions = {}) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, labels: { app: name } },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name }, ...(options.podAnnotations && { annotations: options.podAnnotations }) },
        spec: options.podSpec ?? { containers: [{ name: 'main', image: 'registry.invalid/e2e/placeholder:1' }], terminationGracePeriodSeconds: 5 },
      },
    },
  };
}

export async function createNamespace(api: KubeApi, namespace: string): Promise<void> {
  await api.call('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
}

export async function createDeployment(api: KubeApi, namespace: string, name: string, replicas: number, options: WorkloadOptions = {}): Promise<void> {
  await api.call('POST', `/apis/apps/v1/namespaces/${namespace}/deployments`, deploymentManifest(name, replicas, options));
}

/** policy/v1beta1 first (all a 1.20 server has), policy/v1 when that is not served. */
export async function createPdb(api: KubeApi, namespace: string, name: string, app: string, budget: { minAvailable: number } | { maxUnavailable: number }): Promise<string> {
  for (const version of ['policy/v1beta1', 'policy/v1']) {
    const body = { apiVersion: version, kind: 'PodDisruptionBudget', metadata: { name }, spec: { selector: { matchLabels: { app } }, ...budget } };
    const res = await api.request('POST', `/apis/${version}/namespaces/${namespace}/poddisruptionbudgets`, body);
    if (res.status >= 200 && res.status < 300) return version;
    if (res.status !== 404) throw new Error(`creating PDB ${namespace}/${name} (${version}): HTTP ${res.status}: ${JSON.stringify(res.body)}`);
  }
  throw new Error('the API server serves neither policy/v1beta1 nor policy/v1 PodDisruptionBudgets');
}

export async function listPods(api: KubeApi, namespace: string, app?: string): Promise<PodInfo[]> {
  const query = app ? `?labelSelector=${encodeURIComponent(`app=${app}`)}` : '';
  const list = await api.call('GET', `/api/v1/namespaces/${namespace}/pods${query}`);
  return (list.items as any[]).map((p) => ({
    uid: p.metadata.uid,
    name: p.metadata.name,
    phase: p.status?.phase ?? '',
    deleting: Boolean(p.metadata.deletionTimestamp),
    podIP: p.status?.podIP ?? '',
    nodeName: p.spec?.nodeName ?? '',
    ready: ((p.status?.conditions ?? []) as { type: string; status: string }[]).some((c) => c.type === 'Ready' && c.status === 'True'),
  }));
}

export async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

/** Rolled out: every replica updated, ready and available, as `kubectl rollout status` sees it. */
export async function waitForDeployment(api: KubeApi, namespace: string, name: string, timeoutMs = 30_000): Promise<PodInfo[]> {
  await waitFor(`deployment ${namespace}/${name} to be ready`, timeoutMs, async () => {
    const d = await api.call('GET', `/apis/apps/v1/namespaces/${namespace}/deployments/${name}`);
    const want = d.spec.replicas as number;
    const s = d.status ?? {};
    const done = (s.observedGeneration ?? 0) >= d.metadata.generation && s.updatedReplicas === want && s.availableReplicas === want && s.readyReplicas === want;
    return done ? true : undefined;
  });
  return waitFor(`pods of ${namespace}/${name} to be ready`, timeoutMs, async () => {
    const pods = (await listPods(api, namespace, name)).filter((p) => !p.deleting);
    return pods.every((p) => p.ready) ? pods : undefined;
  });
}

/**
 * Waits until none of `uids` exists any more in `namespace`: the event a kill ends with. On a real node a deleted pod
 * stays Terminating for seconds (graceful termination, then the kubelet's confirmation); elsewhere it is gone at once.
 * No deadline of its own: the test's timeout bounds it.
 */
export async function waitForPodsGone(api: KubeApi, namespace: string, uids: readonly string[]): Promise<void> {
  for (;;) {
    const present = new Set((await listPods(api, namespace)).map((p) => p.uid));
    if (uids.every((uid) => !present.has(uid))) return;
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Namespaces are cheap to leave behind (the cluster is thrown away), but deleting them keeps controllers quiet. */
export async function deleteNamespace(api: KubeApi, namespace: string): Promise<void> {
  await api.request('DELETE', `/api/v1/namespaces/${namespace}`);
}
