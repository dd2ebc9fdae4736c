import type { KubeObject, NewObject, OwnerReference, Store } from './store.js';

/** Pod objects as a scheduler and kubelet would leave them: Pending, or Running with the four conditions True. */
export interface PodSeed {
  namespace: string;
  name: string;
  labels: Record<string, string>;
  annotations?: Record<string, string> | undefined;
  owner?: OwnerReference | undefined;
  nodeName?: string | undefined;
  ready: boolean;
  image?: string | undefined;
}

let ipCounter = 0;
const nextPodIp = (): string => {
  ipCounter = (ipCounter + 1) % 65_000;
  return `10.244.${Math.floor(ipCounter / 250)}.${(ipCounter % 250) + 2}`;
};

export function podObject(store: Store, seed: PodSeed): NewObject {
  const pod: NewObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: seed.name,
      namespace: seed.namespace,
      labels: { ...seed.labels },
      ...(seed.annotations && Object.keys(seed.annotations).length > 0 ? { annotations: { ...seed.annotations } } : {}),
      ...(seed.owner ? { ownerReferences: [{ ...seed.owner }] } : {}),
    },
    spec: {
      containers: [{ name: 'main', image: seed.image ?? `registry.local/${seed.labels['app'] ?? 'app'}:1.0` }],
      terminationGracePeriodSeconds: 30,
      ...(seed.nodeName ? { nodeName: seed.nodeName } : {}),
    },
    status: pendingStatus(seed.nodeName),
  };
  if (seed.ready) pod.status = runningStatus(store, pod.spec.containers[0].image, seed.nodeName);
  return pod;
}

function pendingStatus(nodeName: string | undefined): Record<string, unknown> {
  return {
    phase: 'Pending',
    conditions: nodeName ? [{ type: 'PodScheduled', status: 'True' }, { type: 'Ready', status: 'False', reason: 'ContainersNotReady' }] : [],
    qosClass: 'BestEffort',
  };
}

function runningStatus(store: Store, image: string, nodeName: string | undefined): Record<string, unknown> {
  const now = store.now();
  return {
    phase: 'Running',
    conditions: ['Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map((type) => ({ type, status: 'True', lastTransitionTime: now })),
    hostIP: nodeName ? '127.0.0.1' : undefined,
    podIP: nextPodIp(),
    startTime: now,
    containerStatuses: [{ name: 'main', ready: true, started: true, restartCount: 0, image, imageID: '', state: { running: { startedAt: now } } }],
    qosClass: 'BestEffort',
  };
}

/** Marks a pod Running and Ready, as the kubelet would once its containers start. */
export function markPodReady(store: Store, pod: KubeObject): KubeObject {
  pod.status = runningStatus(store, pod.spec?.containers?.[0]?.image ?? 'registry.local/app:1.0', pod.spec?.nodeName);
  return store.update('pods', pod);
}

/** Marks a pod not Ready (e.g. a failing readiness probe); it stays Running. */
export function markPodNotReady(store: Store, pod: KubeObject): KubeObject {
  pod.status = notReadyStatus(pod.status);
  return store.update('pods', pod);
}

/** The same status with the Ready and ContainersReady conditions False: what the kubelet reports of a pod stopping. */
export function notReadyStatus(status: KubeObject['status']): KubeObject['status'] {
  return {
    ...status,
    conditions: (status?.conditions ?? []).map((c: { type: string }) => (c.type === 'Ready' || c.type === 'ContainersReady' ? { ...c, status: 'False' } : c)),
  };
}

export const controllerOf = (object: KubeObject): OwnerReference | undefined => object.metadata.ownerReferences?.find((o) => o.controller);

export function ownerReference(owner: KubeObject): OwnerReference {
  return { apiVersion: owner.apiVersion, kind: owner.kind, name: owner.metadata.name, uid: owner.metadata.uid, controller: true, blockOwnerDeletion: true };
}
