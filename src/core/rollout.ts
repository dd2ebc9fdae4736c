import type { Workload } from '../kube/types.js';

export interface RolloutState {
  ready: boolean;
  message: string;
}

/** The readiness verdict of `kubectl rollout status`, for each workload kind. */
export function rolloutStatus(w: Workload): RolloutState {
  const name = `${w.kind} "${w.name}"`;
  if (w.observedGeneration < w.generation) return waiting(`${name}: waiting for the spec update to be observed`);
  switch (w.kind) {
    case 'deployment':
      if (w.updated < w.desired) return waiting(`${name}: ${w.updated} out of ${w.desired} new replicas have been updated`);
      if (w.current > w.updated) return waiting(`${name}: ${w.current - w.updated} old replicas are pending termination`);
      if (w.available < w.updated) return waiting(`${name}: ${w.available} of ${w.updated} updated replicas are available`);
      return done(`${name} successfully rolled out (${w.available}/${w.desired} available)`);
    case 'statefulset':
      if (w.ready < w.desired) return waiting(`${name}: ${w.ready} of ${w.desired} pods are ready`);
      if (!w.revisionsMatch) return waiting(`${name}: waiting for the rolling update to complete`);
      return done(`${name} rolled out (${w.ready}/${w.desired} ready)`);
    case 'daemonset':
      if (w.updated < w.desired) return waiting(`${name}: ${w.updated} out of ${w.desired} new pods have been updated`);
      if (w.available < w.desired) return waiting(`${name}: ${w.available} of ${w.desired} updated pods are available`);
      return done(`${name} successfully rolled out (${w.available}/${w.desired} available)`);
  }
}

const waiting = (message: string): RolloutState => ({ ready: false, message: `waiting: ${message}` });
const done = (message: string): RolloutState => ({ ready: true, message });
