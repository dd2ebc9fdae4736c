/**
 * Domain types and the narrow `Cluster` interface the rest of the product talks to.
 * Generated `V1*` types of @kubernetes/client-node never leave `src/kube/`.
 */
export type WorkloadKind = 'deployment' | 'statefulset' | 'daemonset';
export const workloadKinds: readonly WorkloadKind[] = ['deployment', 'statefulset', 'daemonset'];

export interface LabelSelectorRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values?: string[];
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

export interface WorkloadRef {
  kind: WorkloadKind;
  namespace: string;
  name: string;
}

/** A workload with the status fields `kubectl rollout status` reads, normalised across kinds. */
export interface Workload extends WorkloadRef {
  uid: string;
  selector: LabelSelector;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  generation: number;
  observedGeneration: number;
  /** spec.replicas (Deployment, StatefulSet) or status.desiredNumberScheduled (DaemonSet). */
  desired: number;
  /** status.replicas / currentNumberScheduled. */
  current: number;
  /** status.updatedReplicas / updatedNumberScheduled. */
  updated: number;
  /** status.readyReplicas / numberReady. */
  ready: number;
  /** status.availableReplicas / numberAvailable (StatefulSets without it: readyReplicas). */
  available: number;
  /** StatefulSet only: status.currentRevision === status.updateRevision (true for the other kinds). */
  revisionsMatch: boolean;
  /** metadata.resourceVersion: tells a status written after a given change from one written before it. */
  resourceVersion?: string | undefined;
  /** spec.minReadySeconds: how long a Ready pod waits before it counts as available. */
  minReadySeconds?: number | undefined;
}

export interface OwnerRef {
  kind: string;
  name: string;
  uid: string;
}

export interface PodRef {
  namespace: string;
  name: string;
  uid: string;
}

export interface Pod extends PodRef {
  phase: string;
  ready: boolean;
  /** metadata.deletionTimestamp is set. */
  deleting: boolean;
  /** metadata.creationTimestamp in epoch milliseconds. */
  createdAt: number | undefined;
  nodeName: string | undefined;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  owner: OwnerRef | undefined;
  /** metadata.resourceVersion. */
  resourceVersion?: string | undefined;
}

export interface RequestOptions {
  signal?: AbortSignal;
}

export interface KillOptions extends RequestOptions {
  gracePeriodSeconds?: number;
  /** Server-side dry run (`dryRun=All`): the API server validates, nothing is deleted. */
  serverDryRun?: boolean;
}

export interface HelmRelease {
  name: string;
  namespace: string;
  revision: number;
  status: string;
}

export interface NodeInfo {
  name: string;
  ready: boolean;
  internalIp: string | undefined;
}

export interface KubeEvent {
  involved: { kind: string; namespace: string; name: string; uid: string; apiVersion: string };
  reason: string;
  message: string;
  type: 'Normal' | 'Warning';
}

export interface AccessCheck {
  verb: string;
  resource: string;
  subresource?: string;
  group?: string;
  namespace: string;
}

/** What a watch reports: a complete list (at the start, and again after 410 Gone), then one event per change. */
export type WatchEvent<T> = { type: 'SYNCED'; objects: T[] } | { type: 'ADDED' | 'MODIFIED' | 'DELETED'; object: T };

export interface WatchListener<T> {
  event(event: WatchEvent<T>): void;
  /** The WATCH after the first list is open: from now on a change arrives as it happens, not replayed late. */
  live?(): void;
  /** The watch gave up: forbidden, or failing again and again. No event follows. */
  failed(error: unknown): void;
}

export interface WatchOptions {
  /** Stops the watch. */
  signal: AbortSignal;
  /** Sleeps for backoff and the silence timeout: the run's Clock. */
  timer: { sleep(ms: number, signal?: AbortSignal): Promise<void> };
  /** No line at all (event or bookmark) for this long: the stream is taken for dead and reopened. Default 60 s. */
  silenceMs?: number | undefined;
}

/** What the product needs from Kubernetes. Every call has a timeout and honours `signal`. */
export interface Cluster {
  /** The API server URL, for messages. */
  readonly server: string;
  /** The context's default namespace. */
  readonly defaultNamespace: string;
  getWorkload(ref: WorkloadRef, options?: RequestOptions): Promise<Workload | undefined>;
  listWorkloads(namespace: string, kind: WorkloadKind, options?: RequestOptions): Promise<Workload[]>;
  /** Pods in `namespace` matching `selector` (matchLabels and matchExpressions), filtered server-side. */
  listPods(namespace: string, selector: LabelSelector, options?: RequestOptions): Promise<Pod[]>;
  /** DELETE with a `preconditions.uid`, so a replacement with the same name is never hit. */
  deletePod(pod: PodRef, options?: KillOptions): Promise<void>;
  /** Eviction through policy/v1, falling back to policy/v1beta1; a PDB refusal throws code `disruption-budget`. */
  evictPod(pod: PodRef, options?: KillOptions): Promise<void>;
  /** The latest revision of a Helm 3 release (Secrets `sh.helm.release.v1.NAME.vN`), or undefined. */
  getHelmRelease(namespace: string, name: string, options?: RequestOptions): Promise<HelmRelease | undefined>;
  /** Workloads of a Helm release: those labelled `app.kubernetes.io/instance=NAME` (or `release=NAME`). */
  listReleaseWorkloads(namespace: string, release: string, options?: RequestOptions): Promise<Workload[]>;
  listNodes(options?: RequestOptions): Promise<NodeInfo[]>;
  /** Ready endpoints of a Service, from its EndpointSlices (discovery.k8s.io/v1, else v1beta1 before Kubernetes 1.21). */
  countReadyEndpoints(namespace: string, service: string, options?: RequestOptions): Promise<number>;
  createEvent(namespace: string, event: KubeEvent, options?: RequestOptions): Promise<void>;
  /** SelfSubjectAccessReview: may the current identity do this? */
  canI(check: AccessCheck, options?: RequestOptions): Promise<boolean>;
  /** GET /version, e.g. "v1.20.2". */
  version(options?: RequestOptions): Promise<string>;
  /** LIST then WATCH the pods matching `selector`, until `options.signal` aborts. Absent where the Cluster cannot watch. */
  watchPods?(namespace: string, selector: LabelSelector, listener: WatchListener<Pod>, options: WatchOptions): void;
  /** LIST then WATCH one workload, until `options.signal` aborts. */
  watchWorkload?(ref: WorkloadRef, listener: WatchListener<Workload>, options: WatchOptions): void;
  /** LIST then WATCH every workload of `kind` in `namespace`, until `options.signal` aborts. */
  watchWorkloads?(namespace: string, kind: WorkloadKind, listener: WatchListener<Workload>, options: WatchOptions): void;
}
