import type { LabelSelector } from '../kube/types.js';
import { ownerReference, podObject } from './pods.js';
import type { KubeObject, NewObject, Store } from './store.js';

/** Seeding API: workloads with their pods (and ReplicaSets), nodes, Helm releases, PDBs, bulk pods. */

export interface WorkloadSeed {
  namespace: string;
  name: string;
  replicas: number;
  /** Pod and workload labels. Default `{ app: name }`. */
  labels?: Record<string, string>;
  /** Default `{ matchLabels: labels }`. */
  selector?: LabelSelector;
  /** How many pods are Running and Ready; the others stay Pending. Default all. */
  ready?: number;
  /** Pod-template annotations (e.g. `kcm-test/never-ready: "true"` for replacements that never get ready). */
  podAnnotations?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface DaemonSetSeed extends Omit<WorkloadSeed, 'replicas'> {
  /** Node names, or a count of nodes `node-1`…`node-N`; created when missing. Default: the registered nodes. */
  nodes?: string[] | number;
}

export function ensureNamespace(store: Store, name: string): KubeObject {
  return store.get('namespaces', '', name) ?? store.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } });
}

export function addNode(store: Store, name: string, options: { ready?: boolean; internalIp?: string } = {}): KubeObject {
  const existing = store.get('nodes', '', name);
  if (existing) return existing;
  const count = store.list('nodes').length + 1;
  return store.create('nodes', {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux' } },
    spec: {},
    status: {
      conditions: [{ type: 'Ready', status: options.ready === false ? 'False' : 'True', reason: 'KubeletReady' }],
      addresses: [
        { type: 'InternalIP', address: options.internalIp ?? `192.168.0.${count + 10}` },
        { type: 'Hostname', address: name },
      ],
    },
  });
}

function workloadObject(apiVersion: string, kind: string, seed: Omit<WorkloadSeed, 'replicas'>, spec: Record<string, unknown>): NewObject {
  const labels = seed.labels ?? { app: seed.name };
  return {
    apiVersion,
    kind,
    metadata: { name: seed.name, namespace: seed.namespace, labels, ...(seed.annotations ? { annotations: seed.annotations } : {}), generation: 1 },
    spec: {
      ...spec,
      selector: structuredClone(seed.selector ?? { matchLabels: labels }),
      template: {
        metadata: { labels, ...(seed.podAnnotations ? { annotations: seed.podAnnotations } : {}) },
        spec: { containers: [{ name: seed.name, image: `registry.local/${seed.name}:1.0` }] },
      },
    },
  };
}

const nodeNames = (store: Store): string[] => store.list('nodes').map((n) => n.metadata.name).sort();

function addPodsFor(store: Store, owner: KubeObject, names: string[], readyCount: number, extraLabels: (name: string) => Record<string, string>, nodeFor: (i: number) => string | undefined): void {
  const template = owner.spec.template;
  names.forEach((name, i) => {
    store.create(
      'pods',
      podObject(store, {
        namespace: owner.metadata.namespace ?? '',
        name,
        labels: { ...template.metadata.labels, ...extraLabels(name) },
        annotations: template.metadata.annotations,
        owner: ownerReference(owner),
        nodeName: nodeFor(i),
        ready: i < readyCount,
        image: template.spec.containers[0].image,
      }),
    );
  });
}

/** `count` pod names from `next()`, redrawing the rare collision (5 random characters collide among ~10,000 pods). */
function uniqueNames(store: Store, namespace: string, count: number, next: () => string): string[] {
  const names = new Set<string>();
  while (names.size < count) {
    const name = next();
    if (!store.get('pods', namespace, name)) names.add(name);
  }
  return [...names];
}

export function addDeployment(store: Store, seed: WorkloadSeed): KubeObject {
  ensureNamespace(store, seed.namespace);
  const deployment = store.create('deployments', workloadObject('apps/v1', 'Deployment', seed, {
    replicas: seed.replicas,
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } },
  }));
  const hash = store.randomSuffix(10);
  const rsSpec = structuredClone(deployment.spec);
  rsSpec.template.metadata.labels = { ...rsSpec.template.metadata.labels, 'pod-template-hash': hash };
  rsSpec.selector = { ...rsSpec.selector, matchLabels: { ...rsSpec.selector.matchLabels, 'pod-template-hash': hash } };
  delete rsSpec.strategy;
  const rs = store.create('replicasets', {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name: `${seed.name}-${hash}`, namespace: seed.namespace, labels: rsSpec.template.metadata.labels, ownerReferences: [ownerReference(deployment)], generation: 1 },
    spec: rsSpec,
  });
  const names = uniqueNames(store, seed.namespace, seed.replicas, () => `${rs.metadata.name}-${store.randomSuffix()}`);
  const nodes = nodeNames(store);
  addPodsFor(store, rs, names, seed.ready ?? seed.replicas, () => ({}), (i) => nodes[i % nodes.length]);
  return store.get('deployments', seed.namespace, seed.name) ?? deployment;
}

export function addStatefulSet(store: Store, seed: WorkloadSeed): KubeObject {
  ensureNamespace(store, seed.namespace);
  const sts = store.create('statefulsets', workloadObject('apps/v1', 'StatefulSet', seed, {
    replicas: seed.replicas,
    serviceName: seed.name,
    podManagementPolicy: 'OrderedReady',
  }));
  const names = Array.from({ length: seed.replicas }, (_, i) => `${seed.name}-${i}`);
  const nodes = nodeNames(store);
  addPodsFor(store, sts, names, seed.ready ?? seed.replicas, (name) => ({ 'statefulset.kubernetes.io/pod-name': name }), (i) => nodes[i % nodes.length]);
  return store.get('statefulsets', seed.namespace, seed.name) ?? sts;
}

export function addDaemonSet(store: Store, seed: DaemonSetSeed): KubeObject {
  ensureNamespace(store, seed.namespace);
  const wanted = typeof seed.nodes === 'number' ? Array.from({ length: seed.nodes }, (_, i) => `node-${i + 1}`) : seed.nodes;
  for (const node of wanted ?? []) addNode(store, node);
  const nodes = wanted ?? nodeNames(store);
  const ds = store.create('daemonsets', workloadObject('apps/v1', 'DaemonSet', seed, { updateStrategy: { type: 'RollingUpdate' } }));
  const names = uniqueNames(store, seed.namespace, nodes.length, () => `${seed.name}-${store.randomSuffix()}`);
  addPodsFor(store, ds, names, seed.ready ?? nodes.length, () => ({}), (i) => nodes[i]);
  return store.get('daemonsets', seed.namespace, seed.name) ?? ds;
}

/** `count` bare pods (no owner) named `PREFIX-0`…, for benchmarks; O(count). */
export function addPods(store: Store, namespace: string, count: number, labels: Record<string, string>, options: { prefix?: string; ready?: boolean } = {}): void {
  ensureNamespace(store, namespace);
  const nodes = nodeNames(store);
  const prefix = options.prefix ?? 'pod';
  const start = store.list('pods', namespace).filter((p) => p.metadata.name.startsWith(`${prefix}-`)).length;
  for (let i = 0; i < count; i++) {
    store.create('pods', podObject(store, { namespace, name: `${prefix}-${start + i}`, labels, nodeName: nodes[i % nodes.length], ready: options.ready ?? true }));
  }
}

/** Helm 3 release Secrets `sh.helm.release.v1.NAME.v1`…`vREVISION`; older revisions are `superseded`. */
export function addHelmRelease(store: Store, namespace: string, name: string, revision: number, status: string): void {
  ensureNamespace(store, namespace);
  for (let v = 1; v <= revision; v++) {
    const secretName = `sh.helm.release.v1.${name}.v${v}`;
    store.remove('secrets', namespace, secretName);
    store.create('secrets', {
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'helm.sh/release.v1',
      metadata: { name: secretName, namespace, labels: { name, owner: 'helm', status: v === revision ? status : 'superseded', version: String(v) } },
      data: { release: Buffer.from(`simulated release ${name} v${v}`).toString('base64') },
    });
  }
}

export interface PdbSeed {
  namespace: string;
  name: string;
  selector: LabelSelector;
  minAvailable?: number | string;
  maxUnavailable?: number | string;
}

export function addPdb(store: Store, seed: PdbSeed): KubeObject {
  ensureNamespace(store, seed.namespace);
  return store.create('poddisruptionbudgets', {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name: seed.name, namespace: seed.namespace, generation: 1 },
    spec: {
      selector: seed.selector,
      ...(seed.minAvailable !== undefined ? { minAvailable: seed.minAvailable } : {}),
      ...(seed.maxUnavailable !== undefined ? { maxUnavailable: seed.maxUnavailable } : {}),
    },
  });
}
