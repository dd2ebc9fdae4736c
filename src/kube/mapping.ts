import type * as k8s from '@kubernetes/client-node';
import { CookieError } from '../errors.js';
import type { LabelSelector, LabelSelectorRequirement, NodeInfo, OwnerRef, Pod, Workload, WorkloadKind } from './types.js';

/** client-node's V1 objects → our domain types. Generated types never leave src/kube/. */

const operators = new Set<string>(['In', 'NotIn', 'Exists', 'DoesNotExist']);

export function toLabelSelector(sel: k8s.V1LabelSelector | undefined): LabelSelector {
  const result: LabelSelector = {};
  if (sel?.matchLabels && Object.keys(sel.matchLabels).length > 0) result.matchLabels = { ...sel.matchLabels };
  const expressions = (sel?.matchExpressions ?? []).map((e): LabelSelectorRequirement => {
    if (!operators.has(e.operator)) {
      throw new CookieError('invalid-request', `label selector from the API server: expected operator In, NotIn, Exists or DoesNotExist on key "${e.key}", got ${JSON.stringify(e.operator)}`);
    }
    const req: LabelSelectorRequirement = { key: e.key, operator: e.operator as LabelSelectorRequirement['operator'] };
    if (e.values) req.values = [...e.values];
    return req;
  });
  if (expressions.length > 0) result.matchExpressions = expressions;
  return result;
}

const epoch = (value: Date | string | undefined): number | undefined => {
  if (value === undefined) return undefined;
  const ms = value instanceof Date ? value.getTime() : Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
};

export function toPod(pod: k8s.V1Pod, fallbackNamespace: string): Pod {
  const meta = pod.metadata ?? {};
  const controller = (meta.ownerReferences ?? []).find((o) => o.controller === true);
  const owner: OwnerRef | undefined = controller ? { kind: controller.kind, name: controller.name, uid: controller.uid } : undefined;
  return {
    namespace: meta.namespace ?? fallbackNamespace,
    name: meta.name ?? '',
    uid: meta.uid ?? '',
    phase: pod.status?.phase ?? 'Unknown',
    ready: (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True'),
    deleting: meta.deletionTimestamp !== undefined && meta.deletionTimestamp !== null,
    createdAt: epoch(meta.creationTimestamp),
    nodeName: pod.spec?.nodeName || undefined,
    labels: { ...meta.labels },
    annotations: { ...meta.annotations },
    owner,
    resourceVersion: meta.resourceVersion,
  };
}

interface Common {
  metadata?: k8s.V1ObjectMeta | undefined;
  spec?: { selector?: k8s.V1LabelSelector; minReadySeconds?: number } | undefined;
}

function base(kind: WorkloadKind, obj: Common, fallbackNamespace: string): Omit<Workload, 'desired' | 'current' | 'updated' | 'ready' | 'available' | 'observedGeneration' | 'revisionsMatch'> {
  const meta = obj.metadata ?? {};
  return {
    kind,
    namespace: meta.namespace ?? fallbackNamespace,
    name: meta.name ?? '',
    uid: meta.uid ?? '',
    selector: toLabelSelector(obj.spec?.selector),
    labels: { ...meta.labels },
    annotations: { ...meta.annotations },
    generation: meta.generation ?? 0,
    resourceVersion: meta.resourceVersion,
    ...(obj.spec?.minReadySeconds && { minReadySeconds: obj.spec.minReadySeconds }),
  };
}

export function deploymentToWorkload(d: k8s.V1Deployment, ns: string): Workload {
  const s = d.status ?? {};
  return {
    ...base('deployment', d, ns),
    observedGeneration: s.observedGeneration ?? 0,
    desired: d.spec?.replicas ?? 1,
    current: s.replicas ?? 0,
    updated: s.updatedReplicas ?? 0,
    ready: s.readyReplicas ?? 0,
    available: s.availableReplicas ?? 0,
    revisionsMatch: true,
  };
}

export function statefulSetToWorkload(st: k8s.V1StatefulSet, ns: string): Workload {
  const s = st.status ?? { replicas: 0 };
  return {
    ...base('statefulset', st, ns),
    observedGeneration: s.observedGeneration ?? 0,
    desired: st.spec?.replicas ?? 1,
    current: s.replicas ?? 0,
    updated: s.updatedReplicas ?? 0,
    ready: s.readyReplicas ?? 0,
    available: s.availableReplicas ?? s.readyReplicas ?? 0,
    revisionsMatch: !s.updateRevision || s.currentRevision === s.updateRevision,
  };
}

export function daemonSetToWorkload(ds: k8s.V1DaemonSet, ns: string): Workload {
  const s = ds.status;
  return {
    ...base('daemonset', ds, ns),
    observedGeneration: s?.observedGeneration ?? 0,
    desired: s?.desiredNumberScheduled ?? 0,
    current: s?.currentNumberScheduled ?? 0,
    updated: s?.updatedNumberScheduled ?? 0,
    ready: s?.numberReady ?? 0,
    available: s?.numberAvailable ?? 0,
    revisionsMatch: true,
  };
}

export function toNodeInfo(node: k8s.V1Node): NodeInfo {
  return {
    name: node.metadata?.name ?? '',
    ready: (node.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True'),
    internalIp: node.status?.addresses?.find((a) => a.type === 'InternalIP')?.address,
  };
}
