import { isPodReady } from './pdb.js';
import { controllerOf } from './pods.js';
import type { KubeObject, Store } from './store.js';

/**
 * Keeps workload status fields in line with their pods, as the controllers of a real cluster do:
 * ReplicaSet → Deployment, StatefulSet and DaemonSet counts are recomputed whenever one of their pods changes.
 */
export class OwnerIndex {
  private readonly children = new Map<string, Map<string, KubeObject>>();

  constructor(store: Store) {
    store.on((type, resource, object) => {
      if (resource !== 'pods' && resource !== 'replicasets') return;
      const owner = controllerOf(object);
      if (!owner) return;
      const key = `${resource}/${object.metadata.name}`;
      let set = this.children.get(owner.uid);
      if (type === 'DELETED') {
        set?.delete(key);
        if (set?.size === 0) this.children.delete(owner.uid);
        return;
      }
      if (!set) this.children.set(owner.uid, (set = new Map()));
      set.set(key, object);
    });
  }

  /** Live children (pods or replicasets) whose controller is `ownerUid`. */
  of(ownerUid: string, resource: 'pods' | 'replicasets'): KubeObject[] {
    const found: KubeObject[] = [];
    for (const [key, object] of this.children.get(ownerUid) ?? []) if (key.startsWith(`${resource}/`)) found.push(object);
    return found;
  }
}

const workloadResources = new Set(['replicasets', 'deployments', 'statefulsets', 'daemonsets']);

/** How status follows pods: at once (`delayMs` 0), or `delayMs` after a change, as the controllers of a real cluster do. */
export interface StatusTiming {
  delayMs: number;
  /** Schedules `action` on the simulation clock. */
  later(ms: number, action: () => void): void;
}

/**
 * `paused()` true: changes are not followed (bulk seeding); call `refreshWorkload` on each workload afterwards.
 * With a delay, a workload's status is recomputed `delayMs` after the first change of its pods since its last update
 * (one update for a burst of changes), and a Deployment follows its ReplicaSet's new status another `delayMs` later.
 */
export function trackWorkloadStatus(store: Store, index: OwnerIndex, paused: () => boolean = () => false, timing: StatusTiming = { delayMs: 0, later: () => {} }): () => void {
  const due = new Set<string>();
  const soon: Refresher = (resource, namespace, name) => {
    if (timing.delayMs <= 0) return refreshNamed(store, index, resource, namespace, name, soon);
    const key = `${resource}/${namespace}/${name}`;
    if (due.has(key)) return;
    due.add(key);
    timing.later(timing.delayMs, () => {
      due.delete(key);
      refreshNamed(store, index, resource, namespace, name, soon);
    });
  };
  return store.on((_type, resource, object) => {
    if (paused()) return;
    if (resource === 'pods') {
      const owner = controllerOf(object);
      const ownerResource = owner ? resourceOfKind[owner.kind] : undefined;
      if (owner && ownerResource) soon(ownerResource, object.metadata.namespace ?? '', owner.name);
    } else if (workloadResources.has(resource) && store.get(resource, object.metadata.namespace ?? '', object.metadata.name) === object) {
      refresh(store, index, resource, object, soon);
    }
  });
}

type Refresher = (resource: string, namespace: string, name: string) => void;

const resourceOfKind: Record<string, string> = { ReplicaSet: 'replicasets', Deployment: 'deployments', StatefulSet: 'statefulsets', DaemonSet: 'daemonsets' };

function refreshNamed(store: Store, index: OwnerIndex, resource: string, namespace: string, name: string, cascade: Refresher): void {
  const object = store.get(resource, namespace, name);
  if (object) refresh(store, index, resource, object, cascade);
}

/** Recomputes one workload's status now (seeding); a ReplicaSet's Deployment follows at once too. */
export function refreshWorkload(store: Store, index: OwnerIndex, resource: string, object: KubeObject): void {
  const cascade: Refresher = (r, ns, name) => refreshNamed(store, index, r, ns, name, cascade);
  refresh(store, index, resource, object, cascade);
}

function refresh(store: Store, index: OwnerIndex, resource: string, object: KubeObject, cascade: Refresher): void {
  const next = computeStatus(store, index, resource, object);
  if (JSON.stringify(next) === JSON.stringify(object.status ?? {})) return;
  object.status = next;
  store.update(resource, object);
  // A Deployment's controller acts on its ReplicaSets' new status.
  if (resource === 'replicasets') {
    const owner = controllerOf(object);
    const ownerResource = owner ? resourceOfKind[owner.kind] : undefined;
    if (owner && ownerResource) cascade(ownerResource, object.metadata.namespace ?? '', owner.name);
  }
}

function counts(pods: KubeObject[]): { total: number; ready: number } {
  const live = pods.filter((p) => !p.metadata.deletionTimestamp);
  return { total: live.length, ready: live.filter(isPodReady).length };
}

function computeStatus(store: Store, index: OwnerIndex, resource: string, object: KubeObject): Record<string, unknown> {
  const generation = object.metadata.generation ?? 1;
  const uid = object.metadata.uid;
  const desired: number = object.spec?.replicas ?? 1;
  switch (resource) {
    case 'replicasets': {
      const c = counts(index.of(uid, 'pods'));
      return { replicas: c.total, fullyLabeledReplicas: c.total, readyReplicas: c.ready, availableReplicas: c.ready, observedGeneration: generation };
    }
    case 'deployments': {
      const sets = index.of(uid, 'replicasets');
      const all = counts(sets.flatMap((rs) => index.of(rs.metadata.uid, 'pods')));
      const newest = sets.reduce<KubeObject | undefined>((a, b) => (!a || b.metadata.creationTimestamp > a.metadata.creationTimestamp ? b : a), undefined);
      const updated = newest ? counts(index.of(newest.metadata.uid, 'pods')).total : 0;
      const maxUnavailable = Math.floor(desired * 0.25);
      const available = all.ready >= desired - maxUnavailable;
      return {
        observedGeneration: generation,
        replicas: all.total,
        updatedReplicas: updated,
        readyReplicas: all.ready,
        availableReplicas: all.ready,
        unavailableReplicas: Math.max(0, desired - all.ready),
        conditions: [
          { type: 'Available', status: available ? 'True' : 'False', reason: available ? 'MinimumReplicasAvailable' : 'MinimumReplicasUnavailable' },
          { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable' },
        ],
      };
    }
    case 'statefulsets': {
      const c = counts(index.of(uid, 'pods'));
      const revision = object.status?.updateRevision ?? `${object.metadata.name}-${uid.slice(0, 10)}`;
      return {
        observedGeneration: generation,
        replicas: c.total,
        readyReplicas: c.ready,
        currentReplicas: c.total,
        updatedReplicas: c.total,
        availableReplicas: c.ready,
        currentRevision: revision,
        updateRevision: revision,
        collisionCount: 0,
      };
    }
    default: {
      const c = counts(index.of(uid, 'pods'));
      const scheduled = store.list('nodes').length || c.total;
      return {
        observedGeneration: generation,
        desiredNumberScheduled: scheduled,
        currentNumberScheduled: c.total,
        updatedNumberScheduled: c.total,
        numberReady: c.ready,
        numberAvailable: c.ready,
        numberUnavailable: Math.max(0, scheduled - c.ready),
        numberMisscheduled: 0,
      };
    }
  }
}
