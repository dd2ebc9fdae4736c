import type { LabelSelector, WorkloadRef } from '../kube/types.js';
import type { ScopeState } from './scope-state.js';

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
