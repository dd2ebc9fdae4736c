import { describeError } from '../../errors.js';
import { selectorToString } from '../../kube/selector.js';
import type { Cluster, Pod, Workload, WorkloadKind, WorkloadRef } from '../../kube/types.js';
import type { KillLog } from '../../log/entries.js';
import type { Clock } from '../clock.js';
import type { ScopeState } from '../scope-state.js';
import { namespaceKey, scopeKey, type ScopeFeed, type WatchedNamespace, type WatchedScope } from '../scope-watch.js';
import { untilDone } from '../until-done.js';

/** Where a killpod cookie reads the workloads it may bite and their pods. */
export interface Targets {
  /** The named workload as it is now, or undefined when it does not exist. */
  workload(ref: WorkloadRef, signal?: AbortSignal): Promise<Workload | undefined>;
  /** Every workload of `kind` in `namespace`. */
  workloads(namespace: string, kind: WorkloadKind, signal?: AbortSignal): Promise<Workload[]>;
  /** Every pod of the workload (its selector in its namespace), terminating ones included. */
  pods(workload: Workload, signal?: AbortSignal): Promise<Pod[]>;
  /** The cookie is done: the watches it holds stop once nobody else uses them. */
  close(): void;
}

/** Every read is a request: a GET of the workload, a LIST of the workloads, a LIST of the pods. */
export function requestedTargets(cluster: Cluster): Targets {
  return {
    workload: (ref, signal) => cluster.getWorkload(ref, { signal }),
    workloads: (namespace, kind, signal) => cluster.listWorkloads(namespace, kind, { signal }),
    pods: (workload, signal) => cluster.listPods(workload.namespace, workload.selector, { signal }),
    close: () => undefined,
  };
}

/** A cache kept by a watch: usable once its first lists have arrived, dropped if the watch fails for good. */
interface Cache {
  synced: Promise<boolean>;
}

interface WorkloadCache extends Cache {
  scope: WatchedScope;
  selector: string;
}

interface NamespaceCache extends Cache {
  namespace: WatchedNamespace;
}

/**
 * Reads from watches, so that a kill costs one request (its DELETE or eviction) once they are set up. A named workload
 * is read once by GET for its selector, then its scope is joined on `feed` (shared with recovery tracking); a random
 * cookie watches every workload of its kind and every pod of its namespace, and finds a workload's pods by its selector.
 * A scope whose watch cannot start or fails for good is read by requests from then on, and the kill log says so.
 */
export function watchedTargets(deps: { cluster: Cluster; clock: Clock; log: KillLog; feed: ScopeFeed; signal: AbortSignal }): Targets {
  const requested = requestedTargets(deps.cluster);
  const scopes = new Map<string, WorkloadCache>();
  const namespaces = new Map<string, NamespaceCache>();
  const unwatched = new Set<string>();

  const giveUp = (key: string, what: string, error: unknown): void => {
    if (unwatched.has(key)) return;
    unwatched.add(key);
    deps.log.append({ kind: 'retry', operation: `victim cache of ${what}`, attempt: 1, message: `${describeError(error)}; reading it by GET and LIST from now on` });
  };

  const joinScope = (key: string, workload: Workload): WorkloadCache | undefined => {
    let settle: (ok: boolean) => void = () => undefined;
    const synced = new Promise<boolean>((resolve) => (settle = resolve));
    const ref = { kind: workload.kind, namespace: workload.namespace, name: workload.name };
    const scope = deps.feed.join(ref, workload.selector, {
      changed: () => scope?.state.synced && settle(true),
      failed: (error) => {
        if (scopes.get(key)?.scope === scope) scopes.delete(key);
        giveUp(key, `${workload.kind}/${workload.name}`, error);
        settle(false);
      },
    });
    if (!scope) return undefined;
    if (scope.state.synced) settle(true);
    const cache = { scope, selector: selectorToString(workload.selector), synced };
    scopes.set(key, cache);
    return cache;
  };

  const scopeOf = async (workload: Workload, signal: AbortSignal | undefined): Promise<WorkloadCache | undefined> => {
    const key = scopeKey(workload);
    if (unwatched.has(key)) return undefined;
    let cache = scopes.get(key);
    // A workload deleted and created again may select other pods: follow its new selector.
    if (cache && cache.selector !== selectorToString(workload.selector)) {
      scopes.delete(key);
      cache.scope.release();
      cache = undefined;
    }
    cache ??= joinScope(key, workload);
    return cache && (await untilDone(cache.synced, signal)) ? cache : undefined;
  };

  const namespaceOf = async (namespace: string, kind: WorkloadKind, signal: AbortSignal | undefined): Promise<NamespaceCache | undefined> => {
    const key = namespaceKey(namespace, kind);
    if (unwatched.has(key)) return undefined;
    let cache = namespaces.get(key);
    if (!cache) {
      cache = watchNamespace(key, namespace, kind);
      if (!cache) return undefined;
      namespaces.set(key, cache);
    }
    return (await untilDone(cache.synced, signal)) ? cache : undefined;
  };

  /** Usable once both are listed and their WATCHes open: a kill decided from it is then seen as it happens. */
  const watchNamespace = (key: string, namespace: string, kind: WorkloadKind): NamespaceCache | undefined => {
    let settle: (ok: boolean) => void = () => undefined;
    const synced = new Promise<boolean>((resolve) => (settle = resolve));
    const watched = deps.feed.joinNamespace(namespace, kind, {
      changed: () => watched?.synced && settle(true),
      failed: (error) => {
        if (namespaces.get(key)?.namespace === watched) namespaces.delete(key);
        giveUp(key, key, error);
        settle(false);
      },
    });
    if (!watched) return undefined;
    if (watched.synced) settle(true);
    return { namespace: watched, synced };
  };

  return {
    async workload(ref, signal) {
      const around = namespaces.get(namespaceKey(ref.namespace, ref.kind));
      if (around && (await untilDone(around.synced, signal))) return around.namespace.scope(ref.name)?.workload;
      const cached = scopes.get(scopeKey(ref));
      const known = cached && (await untilDone(cached.synced, signal)) ? cached.scope.state : undefined;
      if (known && !known.workload) return undefined;
      const workload = known?.workload ?? (await requested.workload(ref, signal));
      if (!workload) return undefined;
      return (await scopeOf(workload, signal))?.scope.state.workload ?? workload;
    },

    async workloads(namespace, kind, signal) {
      const cache = await namespaceOf(namespace, kind, signal);
      return cache ? cache.namespace.workloads() : requested.workloads(namespace, kind, signal);
    },

    async pods(workload, signal) {
      const around = namespaces.get(namespaceKey(workload.namespace, workload.kind));
      const inside = around && (await untilDone(around.synced, signal)) ? around.namespace.scope(workload.name) : undefined;
      if (inside) return podsOf(inside);
      const cache = await scopeOf(workload, signal);
      return cache ? podsOf(cache.scope.state) : requested.pods(workload, signal);
    },

    close() {
      for (const cache of scopes.values()) cache.scope.release();
      for (const cache of namespaces.values()) cache.namespace.release();
      scopes.clear();
      namespaces.clear();
    },
  };
}

const podsOf = (state: ScopeState): Pod[] => [...state.pods()].map((f) => f.pod);

