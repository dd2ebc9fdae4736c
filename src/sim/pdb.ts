import { selectorMatches } from './selector.js';
import type { KubeObject, Store } from './store.js';

/** What the disruption controller would compute for a PodDisruptionBudget, from the pods and their controllers. */
export interface BudgetState {
  expectedPods: number;
  currentHealthy: number;
  desiredHealthy: number;
  disruptionsAllowed: number;
}

export const isPodReady = (pod: KubeObject): boolean =>
  pod.status?.phase === 'Running' && (pod.status?.conditions ?? []).some((c: { type: string; status: string }) => c.type === 'Ready' && c.status === 'True');

export function podsOfBudget(store: Store, pdb: KubeObject): KubeObject[] {
  const selector = pdb.spec?.selector ?? {};
  const namespace = pdb.metadata.namespace ?? '';
  return store.list('pods', namespace).filter((p) => !p.metadata.deletionTimestamp && selectorMatches(p.metadata.labels ?? {}, selector));
}

/** Replicas a pod's controller wants: Deployment (through its ReplicaSet), StatefulSet or DaemonSet. */
function controllerScale(store: Store, pod: KubeObject): { key: string; scale: number } | undefined {
  const owner = pod.metadata.ownerReferences?.find((o) => o.controller);
  const namespace = pod.metadata.namespace ?? '';
  if (!owner) return undefined;
  if (owner.kind === 'ReplicaSet') {
    const rs = store.get('replicasets', namespace, owner.name);
    const deployment = rs?.metadata.ownerReferences?.find((o) => o.controller && o.kind === 'Deployment');
    const d = deployment ? store.get('deployments', namespace, deployment.name) : undefined;
    if (d) return { key: `deployment/${d.metadata.uid}`, scale: d.spec?.replicas ?? 1 };
    return rs ? { key: `rs/${rs.metadata.uid}`, scale: rs.spec?.replicas ?? 1 } : undefined;
  }
  if (owner.kind === 'StatefulSet') {
    const st = store.get('statefulsets', namespace, owner.name);
    return st ? { key: `sts/${st.metadata.uid}`, scale: st.spec?.replicas ?? 1 } : undefined;
  }
  if (owner.kind === 'DaemonSet') {
    const ds = store.get('daemonsets', namespace, owner.name);
    return ds ? { key: `ds/${ds.metadata.uid}`, scale: ds.status?.desiredNumberScheduled ?? 0 } : undefined;
  }
  return undefined;
}

function scaled(value: number | string, expected: number): number {
  if (typeof value === 'number') return value;
  const percent = Number(/^(\d+)%$/.exec(value)?.[1] ?? Number.NaN);
  return Number.isNaN(percent) ? Number(value) || 0 : Math.ceil((percent * expected) / 100);
}

export function evaluateBudget(store: Store, pdb: KubeObject): BudgetState {
  const pods = podsOfBudget(store, pdb);
  const controllers = new Map<string, number>();
  let unowned = 0;
  for (const pod of pods) {
    const c = controllerScale(store, pod);
    if (c) controllers.set(c.key, c.scale);
    else unowned++;
  }
  const expectedPods = [...controllers.values()].reduce((a, b) => a + b, 0) + unowned;
  const currentHealthy = pods.filter(isPodReady).length;
  const spec = pdb.spec ?? {};
  const desiredHealthy =
    spec.minAvailable !== undefined
      ? scaled(spec.minAvailable, expectedPods)
      : spec.maxUnavailable !== undefined
        ? Math.max(0, expectedPods - scaled(spec.maxUnavailable, expectedPods))
        : expectedPods;
  return { expectedPods, currentHealthy, desiredHealthy, disruptionsAllowed: Math.max(0, currentHealthy - desiredHealthy) };
}

/** The PDB with its status filled in from the current pods. */
export function withBudgetStatus(store: Store, pdb: KubeObject): KubeObject {
  const state = evaluateBudget(store, pdb);
  return { ...pdb, status: { observedGeneration: pdb.metadata.generation ?? 1, ...state } };
}
