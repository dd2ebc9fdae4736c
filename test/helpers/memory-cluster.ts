import { CookieError } from '../../src/errors.js';
import { matchesSelector } from '../../src/kube/selector.js';
import type {
  Cluster,
  KillOptions,
  LabelSelector,
  Pod,
  PodRef,
  RequestOptions,
  Workload,
  WorkloadKind,
  WorkloadRef,
} from '../../src/kube/types.js';

/**
 * An in-memory Cluster: a test double of the Kubernetes dependency (the real one lives in src/kube/). Pods deleted
 * for real disappear and lower their workload's ready/available counts; nothing replaces them.
 */
export interface MemoryCluster extends Cluster {
  addWorkload(spec: WorkloadSpec): Workload;
  addPod(spec: PodSpec): Pod;
  /** Current pods, optionally of one namespace. */
  pods(namespace?: string): Pod[];
  workload(ref: WorkloadRef): Workload | undefined;
  /** Every call made, in order. */
  readonly calls: Call[];
  /** The next `times` calls of `method` throw `error` instead of doing anything. */
  failNext(method: CallName, error: unknown, times?: number): void;
  /** Changes a pod in place (phase, deleting, labels, …). */
  setPod(namespace: string, name: string, patch: Partial<Pod>): void;
  /** Runs before every call; a test can hold calls in flight or reorder them with it. */
  beforeCall: ((method: CallName, args: unknown[]) => Promise<void>) | undefined;
}

export type CallName = Exclude<keyof Cluster, 'server' | 'defaultNamespace'>;

export interface Call {
  method: CallName;
  args: unknown[];
}

export interface WorkloadSpec {
  kind: WorkloadKind;
  namespace: string;
  name: string;
  replicas: number;
  /** Running and ready pods; the rest are Pending. Default: `replicas`. */
  available?: number;
  /** Default `{ app: name }`. */
  matchLabels?: Record<string, string>;
  selector?: LabelSelector;
  /** Creation time of the pods (epoch ms). Default 0. */
  createdAt?: number;
}

export type PodSpec = Partial<Pod> & { namespace: string; name: string };

/** A Running, ready pod on node-1 with no labels or owner; `spec` overrides any field. */
export function podFixture(spec: PodSpec): Pod {
  return {
    uid: `uid-${spec.namespace}-${spec.name}`,
    phase: 'Running',
    ready: true,
    deleting: false,
    createdAt: 0,
    nodeName: 'node-1',
    labels: {},
    annotations: {},
    owner: undefined,
    ...spec,
  };
}

export function createMemoryCluster(options: { server?: string; defaultNamespace?: string } = {}): MemoryCluster {
  const workloads = new Map<string, Workload>();
  let pods: Pod[] = [];
  const calls: Call[] = [];
  const failures: { method: CallName; error: unknown; left: number }[] = [];
  const keyOf = (ref: WorkloadRef): string => `${ref.kind}/${ref.namespace}/${ref.name}`;

  const enter = async (method: CallName, args: unknown[], request: RequestOptions | undefined): Promise<void> => {
    calls.push({ method, args });
    await cluster.beforeCall?.(method, args);
    if (request?.signal?.aborted) throw request.signal.reason;
    const failure = failures.find((f) => f.method === method && f.left > 0);
    if (failure) {
      failure.left--;
      throw failure.error;
    }
  };

  const addPod = (spec: PodSpec): Pod => {
    const pod = podFixture(spec);
    pods.push(pod);
    return pod;
  };

  const removePod = (ref: PodRef): void => {
    const pod = pods.find((p) => p.namespace === ref.namespace && p.name === ref.name);
    if (!pod) throw new CookieError('not-found', `pods "${ref.name}" not found in namespace "${ref.namespace}"`);
    if (pod.uid !== ref.uid) throw new CookieError('conflict', `pods "${ref.name}": uid precondition failed`);
    pods = pods.filter((p) => p !== pod);
    const owner = pod.owner && [...workloads.values()].find((w) => w.uid === pod.owner?.uid);
    if (owner && pod.phase === 'Running' && pod.ready) {
      owner.ready = Math.max(0, owner.ready - 1);
      owner.available = Math.max(0, owner.available - 1);
      owner.current = Math.max(0, owner.current - 1);
    }
  };

  const cluster: MemoryCluster = {
    server: options.server ?? 'memory://cluster',
    defaultNamespace: options.defaultNamespace ?? 'default',
    calls,
    beforeCall: undefined,
    failNext(method, error, times = 1) {
      failures.push({ method, error, left: times });
    },
    addWorkload(spec) {
      const matchLabels = spec.matchLabels ?? { app: spec.name };
      const available = spec.available ?? spec.replicas;
      const workload: Workload = {
        kind: spec.kind,
        namespace: spec.namespace,
        name: spec.name,
        uid: `uid-${spec.kind}-${spec.namespace}-${spec.name}`,
        selector: spec.selector ?? { matchLabels },
        labels: { ...matchLabels },
        annotations: {},
        generation: 1,
        observedGeneration: 1,
        desired: spec.replicas,
        current: spec.replicas,
        updated: spec.replicas,
        ready: available,
        available,
        revisionsMatch: true,
      };
      workloads.set(keyOf(workload), workload);
      for (let i = 0; i < spec.replicas; i++) {
        const running = i < available;
        addPod({
          namespace: spec.namespace,
          name: `${spec.name}-${i}`,
          phase: running ? 'Running' : 'Pending',
          ready: running,
          createdAt: spec.createdAt ?? 0,
          labels: { ...matchLabels },
          owner: { kind: spec.kind, name: spec.name, uid: workload.uid },
        });
      }
      return workload;
    },
    addPod,
    setPod(namespace, name, patch) {
      const pod = pods.find((p) => p.namespace === namespace && p.name === name);
      if (!pod) throw new Error(`setPod: no pod ${namespace}/${name}`);
      Object.assign(pod, patch);
    },
    pods: (namespace) => pods.filter((p) => namespace === undefined || p.namespace === namespace).map((p) => ({ ...p })),
    workload: (ref) => workloads.get(keyOf(ref)),

    async getWorkload(ref, request) {
      await enter('getWorkload', [ref], request);
      const found = workloads.get(keyOf(ref));
      return found && structuredClone(found);
    },
    async listWorkloads(namespace, kind, request) {
      await enter('listWorkloads', [namespace, kind], request);
      return [...workloads.values()].filter((w) => w.namespace === namespace && w.kind === kind).map((w) => structuredClone(w));
    },
    async listPods(namespace, selector, request) {
      await enter('listPods', [namespace, selector], request);
      return pods.filter((p) => p.namespace === namespace && matchesSelector(p.labels, selector)).map((p) => structuredClone(p));
    },
    async deletePod(pod, request?: KillOptions) {
      await enter('deletePod', [pod, withoutSignal(request)], request);
      if (request?.serverDryRun) {
        if (!pods.some((p) => p.namespace === pod.namespace && p.name === pod.name)) {
          throw new CookieError('not-found', `pods "${pod.name}" not found in namespace "${pod.namespace}"`);
        }
        return;
      }
      removePod(pod);
    },
    async evictPod(pod, request?: KillOptions) {
      await enter('evictPod', [pod, withoutSignal(request)], request);
      if (!request?.serverDryRun) removePod(pod);
    },
    async getHelmRelease(namespace, name, request) {
      await enter('getHelmRelease', [namespace, name], request);
      return undefined;
    },
    async listReleaseWorkloads(namespace, release, request) {
      await enter('listReleaseWorkloads', [namespace, release], request);
      return [];
    },
    async listNodes(request) {
      await enter('listNodes', [], request);
      return [{ name: 'node-1', ready: true, internalIp: '10.0.0.1' }];
    },
    async countReadyEndpoints(namespace, service, request) {
      await enter('countReadyEndpoints', [namespace, service], request);
      return 0;
    },
    async createEvent(namespace, event, request) {
      await enter('createEvent', [namespace, event], request);
    },
    async canI(check, request) {
      await enter('canI', [check], request);
      return true;
    },
    async version(request) {
      await enter('version', [], request);
      return 'v1.20.2';
    },
  };
  return cluster;
}

function withoutSignal(options: KillOptions | undefined): Omit<KillOptions, 'signal'> {
  const { signal: _signal, ...rest } = options ?? {};
  return rest;
}
