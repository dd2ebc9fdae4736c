import type { Cluster, LabelSelector, Workload, WorkloadKind, WorkloadRef } from '../kube/types.js';
import type { Clock } from './clock.js';
import { NamespaceScopes } from './namespace-scopes.js';
import { ScopeState } from './scope-state.js';

/** A workload and its pods, watched: `state` follows every event as it arrives. */
export interface WatchedScope {
  readonly state: ScopeState;
  /** This user is done with the scope; the watch stops once no user is left. */
  release(): void;
}

/** Every workload of one kind in a namespace, and every pod of the namespace, watched. */
export interface WatchedNamespace {
  /** Both have been listed and their WATCHes are open. */
  readonly synced: boolean;
  workloads(): Workload[];
  /** The state of one of the workloads, or undefined while it is not known. */
  scope(name: string): ScopeState | undefined;
  release(): void;
}

export interface ScopeListener {
  /** `state` has changed. */
  changed(): void;
  /** The watch failed for good (forbidden, or failing again and again): `state` is no longer kept up to date. */
  failed(error: unknown): void;
}

/** Watches of the scopes a run touches, shared by the cookies and recovery. */
export interface ScopeFeed {
  /**
   * Joins (or starts) the watch of a workload and its pods; undefined when this cluster cannot be watched. Inside a
   * namespace that is watched whole (joinNamespace), the scope is served from that watch and costs no request.
   */
  join(ref: WorkloadRef, selector: LabelSelector, listener: ScopeListener): WatchedScope | undefined;
  /** Joins (or starts) the watch of every workload of `kind` in `namespace` and of every pod there. */
  joinNamespace(namespace: string, kind: WorkloadKind, listener: ScopeListener): WatchedNamespace | undefined;
}

interface Watch {
  users: number;
  stopper: AbortController;
  failed(error: unknown): void;
}

interface ScopeWatch extends Watch {
  state: ScopeState;
  listeners: Set<ScopeListener>;
}

interface NamespaceWatch extends Watch {
  scopes: NamespaceScopes;
  /** Users of the whole namespace. */
  listeners: Set<ScopeListener>;
  /** Users of one workload's scope, by its name. */
  scopeListeners: Map<string, Set<ScopeListener>>;
}

/**
 * One watch of each workload and one of its pods (with the workload's selector), or one of a whole namespace, shared
 * by every user and stopped when the last one releases it or `signal` aborts. A Cluster that cannot watch gives none.
 */
export function createScopeFeed(cluster: Cluster, clock: Clock, signal: AbortSignal, options: { silenceMs?: number } = {}): ScopeFeed {
  const watches = new Map<string, ScopeWatch>();
  const namespaces = new Map<string, NamespaceWatch>();
  const settings = (stopper: AbortController) => ({ signal: stopper.signal, timer: clock, silenceMs: options.silenceMs });

  /**
   * Keeps in `map` under `key` the watch `make` builds, then starts it; it stops with `signal`, and once it fails for
   * good it is dropped and its `failed` tells its users.
   */
  const open = <W extends Watch>(map: Map<string, W>, key: string, make: (stopper: AbortController) => { watch: W; start(failed: (error: unknown) => void): void }): W => {
    const stopper = new AbortController();
    const onAbort = (): void => stopper.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    stopper.signal.addEventListener('abort', () => signal.removeEventListener('abort', onAbort), { once: true });
    const { watch, start } = make(stopper);
    map.set(key, watch);
    start((error) => {
      if (map.get(key) !== watch) return;
      map.delete(key);
      stopper.abort();
      watch.failed(error);
    });
    return watch;
  };

  const releaser = <W extends Watch>(map: Map<string, W>, key: string, watch: W, leave: () => void): (() => void) => {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      leave();
      if (--watch.users > 0 || map.get(key) !== watch) return;
      map.delete(key);
      watch.stopper.abort();
    };
  };

  const watchScope = (key: string, ref: WorkloadRef, selector: LabelSelector): ScopeWatch => {
    const { watchPods, watchWorkload } = cluster;
    return open(watches, key, (stopper) => {
      const watch: ScopeWatch = { users: 0, stopper, state: new ScopeState(), listeners: new Set(), failed: (e) => tell(watch.listeners, (l) => l.failed(e)) };
      const { state } = watch;
      const changed = (): void => tell(watch.listeners, (l) => l.changed());
      const start = (failed: (error: unknown) => void): void => {
        watchPods!.call(cluster, ref.namespace, selector, {
          event: (e) => {
            const at = clock.now();
            if (e.type === 'SYNCED') state.listed(e.objects, at);
            else if (e.type === 'DELETED') state.podGone(e.object.uid, at);
            else state.sawPod(e.object, at);
            changed();
          },
          live: () => {
            state.live.pods = true;
            changed();
          },
          failed,
        }, settings(stopper));
        watchWorkload!.call(cluster, ref, {
          event: (e) => {
            const at = clock.now();
            const workload = e.type === 'SYNCED' ? e.objects[0] : e.type === 'DELETED' ? undefined : e.object;
            if (workload) state.sawStatus(workload, at);
            else state.workloadGone();
            changed();
          },
          live: () => {
            state.live.workload = true;
            changed();
          },
          failed,
        }, settings(stopper));
      };
      return { watch, start };
    });
  };

  const watchNamespace = (key: string, namespace: string, kind: WorkloadKind): NamespaceWatch => {
    const { watchPods, watchWorkloads } = cluster;
    return open(namespaces, key, (stopper) => {
      const watch: NamespaceWatch = {
        users: 0,
        stopper,
        scopes: new NamespaceScopes(),
        listeners: new Set(),
        scopeListeners: new Map(),
        failed: (e) => tell([...watch.listeners, ...[...watch.scopeListeners.values()].flatMap((s) => [...s])], (l) => l.failed(e)),
      };
      const { scopes } = watch;
      const changed = (names: string[]): void => tell([...watch.listeners, ...names.flatMap((n) => [...(watch.scopeListeners.get(n) ?? [])])], (l) => l.changed());
      const start = (failed: (error: unknown) => void): void => {
        watchPods!.call(cluster, namespace, {}, {
          event: (e) => {
            const at = clock.now();
            changed(e.type === 'SYNCED' ? scopes.listedPods(e.objects, at) : e.type === 'DELETED' ? scopes.podGone(e.object.uid, at) : scopes.sawPod(e.object, at));
          },
          live: () => changed(scopes.watching('pods')),
          failed,
        }, settings(stopper));
        watchWorkloads!.call(cluster, namespace, kind, {
          event: (e) => {
            const at = clock.now();
            changed(e.type === 'SYNCED' ? scopes.listedWorkloads(e.objects, at) : e.type === 'DELETED' ? scopes.workloadDeleted(e.object.name) : scopes.sawWorkload(e.object, at));
          },
          live: () => changed(scopes.watching('workload')),
          failed,
        }, settings(stopper));
      };
      return { watch, start };
    });
  };

  return {
    join(ref, selector, listener) {
      if (signal.aborted) return undefined;
      const aroundKey = namespaceKey(ref.namespace, ref.kind);
      const around = namespaces.get(aroundKey);
      if (around) {
        around.users++;
        const listeners = around.scopeListeners.get(ref.name) ?? new Set();
        around.scopeListeners.set(ref.name, listeners.add(listener));
        const leave = (): void => {
          listeners.delete(listener);
          if (listeners.size === 0 && around.scopeListeners.get(ref.name) === listeners) around.scopeListeners.delete(ref.name);
        };
        return { state: around.scopes.scope(ref.name, selector, clock.now()), release: releaser(namespaces, aroundKey, around, leave) };
      }
      if (!cluster.watchPods || !cluster.watchWorkload) return undefined;
      const key = scopeKey(ref);
      const watch = watches.get(key) ?? watchScope(key, ref, selector);
      watch.users++;
      watch.listeners.add(listener);
      return { state: watch.state, release: releaser(watches, key, watch, () => watch.listeners.delete(listener)) };
    },

    joinNamespace(namespace, kind, listener) {
      if (!cluster.watchPods || !cluster.watchWorkloads || signal.aborted) return undefined;
      const key = namespaceKey(namespace, kind);
      const watch = namespaces.get(key) ?? watchNamespace(key, namespace, kind);
      watch.users++;
      watch.listeners.add(listener);
      return {
        get synced() {
          return watch.scopes.synced;
        },
        workloads: () => watch.scopes.workloads(),
        scope: (name) => watch.scopes.known(name),
        release: releaser(namespaces, key, watch, () => watch.listeners.delete(listener)),
      };
    },
  };
}

function tell(listeners: Iterable<ScopeListener>, what: (l: ScopeListener) => void): void {
  for (const listener of [...listeners]) what(listener);
}

/** The key of a workload's scope. */
export const scopeKey = (ref: WorkloadRef): string => `${ref.kind}/${ref.namespace}/${ref.name}`;

/** The key of a namespace watched whole, which also names it in messages: "deployments in ns". */
export const namespaceKey = (namespace: string, kind: WorkloadKind): string => `${kind}s in ${namespace}`;
