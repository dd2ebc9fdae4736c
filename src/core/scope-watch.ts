import type { Cluster, LabelSelector, WorkloadRef } from '../kube/types.js';
import type { Clock } from './clock.js';
import { ScopeState } from './scope-state.js';

/** A workload and its pods, watched: `state` follows every event as it arrives. */
export interface WatchedScope {
  readonly state: ScopeState;
  /** This user is done with the scope; the watch stops once no user is left. */
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
  /** Joins (or starts) the watch of a workload and its pods; undefined when this cluster cannot be watched. */
  join(ref: WorkloadRef, selector: LabelSelector, listener: ScopeListener): WatchedScope | undefined;
}

/**
 * One watch of each workload and one of its pods (with the workload's selector), shared by every user of the scope
 * and stopped when the last one releases it or `signal` aborts. A Cluster that cannot watch gives no scope.
 */
export function createScopeFeed(cluster: Cluster, clock: Clock, signal: AbortSignal, options: { silenceMs?: number } = {}): ScopeFeed {
  const watches = new Map<string, { state: ScopeState; listeners: Set<ScopeListener>; stopper: AbortController }>();
  return {
    join(ref, selector, listener) {
      const { watchPods, watchWorkload } = cluster;
      if (!watchPods || !watchWorkload || signal.aborted) return undefined;
      const key = `${ref.kind}/${ref.namespace}/${ref.name}`;
      let watch = watches.get(key);
      if (!watch) {
        const stopper = new AbortController();
        const onAbort = (): void => stopper.abort();
        signal.addEventListener('abort', onAbort, { once: true });
        stopper.signal.addEventListener('abort', () => signal.removeEventListener('abort', onAbort), { once: true });
        const current: { state: ScopeState; listeners: Set<ScopeListener>; stopper: AbortController } = { state: new ScopeState(), listeners: new Set(), stopper };
        watch = current;
        watches.set(key, current);
        const changed = (): void => {
          for (const l of [...current.listeners]) l.changed();
        };
        const failed = (error: unknown): void => {
          if (watches.get(key) !== current) return;
          watches.delete(key);
          stopper.abort();
          for (const l of [...current.listeners]) l.failed(error);
        };
        const settings = { signal: stopper.signal, timer: clock, silenceMs: options.silenceMs };
        watchPods.call(cluster, ref.namespace, selector, {
          event: (e) => {
            const at = clock.now();
            if (e.type === 'SYNCED') current.state.listed(e.objects, at);
            else if (e.type === 'DELETED') current.state.podGone(e.object.uid, at);
            else current.state.sawPod(e.object, at);
            changed();
          },
          live: () => {
            current.state.live.pods = true;
            changed();
          },
          failed,
        }, settings);
        watchWorkload.call(cluster, ref, {
          event: (e) => {
            const at = clock.now();
            const workload = e.type === 'SYNCED' ? e.objects[0] : e.type === 'DELETED' ? undefined : e.object;
            if (workload) current.state.sawStatus(workload, at);
            else current.state.workloadGone();
            changed();
          },
          live: () => {
            current.state.live.workload = true;
            changed();
          },
          failed,
        }, settings);
      }
      const joined = watch;
      joined.listeners.add(listener);
      let released = false;
      return {
        state: joined.state,
        release() {
          if (released) return;
          released = true;
          joined.listeners.delete(listener);
          if (joined.listeners.size > 0 || watches.get(key) !== joined) return;
          watches.delete(key);
          joined.stopper.abort();
        },
      };
    },
  };
}
