import type * as k8s from '@kubernetes/client-node';
import { daemonSetToWorkload, deploymentToWorkload, statefulSetToWorkload } from './mapping.js';
import type { Workload, WorkloadKind } from './types.js';

/** Per-kind apps/v1 resource name and the mapping of its JSON to the domain `Workload`. */
export interface WorkloadApi {
  resource: string;
  toWorkload(object: unknown, namespace: string): Workload;
}

export const workloadApis: Record<WorkloadKind, WorkloadApi> = {
  deployment: { resource: 'deployments', toWorkload: (o, ns) => deploymentToWorkload(o as k8s.V1Deployment, ns) },
  statefulset: { resource: 'statefulsets', toWorkload: (o, ns) => statefulSetToWorkload(o as k8s.V1StatefulSet, ns) },
  daemonset: { resource: 'daemonsets', toWorkload: (o, ns) => daemonSetToWorkload(o as k8s.V1DaemonSet, ns) },
};
