import type * as k8s from '@kubernetes/client-node';
import type { CallOptions } from './client.js';
import { daemonSetToWorkload, deploymentToWorkload, statefulSetToWorkload } from './mapping.js';
import type { Workload, WorkloadKind } from './types.js';

/** Per-kind read and list of apps/v1 workloads, mapped to the domain `Workload`. */
export interface WorkloadApi {
  resource: string;
  read(apps: k8s.AppsV1Api, namespace: string, name: string, options: CallOptions): Promise<Workload>;
  list(
    apps: k8s.AppsV1Api,
    query: { namespace: string; labelSelector?: string | undefined; limit: number; _continue?: string | undefined },
    options: CallOptions,
  ): Promise<{ items: Workload[]; metadata?: { _continue?: string } | undefined }>;
}

const page = <T>(list: { items: T[]; metadata?: k8s.V1ListMeta | undefined }, map: (item: T) => Workload) => ({
  items: list.items.map(map),
  metadata: list.metadata?._continue ? { _continue: list.metadata._continue } : undefined,
});

export const workloadApis: Record<WorkloadKind, WorkloadApi> = {
  deployment: {
    resource: 'deployments',
    read: async (apps, namespace, name, o) => deploymentToWorkload(await apps.readNamespacedDeployment({ namespace, name }, o), namespace),
    list: async (apps, q, o) => page(await apps.listNamespacedDeployment(q, o), (d) => deploymentToWorkload(d, q.namespace)),
  },
  statefulset: {
    resource: 'statefulsets',
    read: async (apps, namespace, name, o) => statefulSetToWorkload(await apps.readNamespacedStatefulSet({ namespace, name }, o), namespace),
    list: async (apps, q, o) => page(await apps.listNamespacedStatefulSet(q, o), (s) => statefulSetToWorkload(s, q.namespace)),
  },
  daemonset: {
    resource: 'daemonsets',
    read: async (apps, namespace, name, o) => daemonSetToWorkload(await apps.readNamespacedDaemonSet({ namespace, name }, o), namespace),
    list: async (apps, q, o) => page(await apps.listNamespacedDaemonSet(q, o), (d) => daemonSetToWorkload(d, q.namespace)),
  },
};
