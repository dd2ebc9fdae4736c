import type { WorkloadKind } from '../../src/kube/types.js';
import type { Simulation } from '../../src/sim/simulation.js';
import { isPodReady } from '../../src/sim/pdb.js';

export interface WorkloadName {
  kind: WorkloadKind;
  name: string;
}

export interface ServingPodsWatch {
  /** The fewest Ready, non-terminating pods each workload had after any change of the store, by `kind/name`. */
  lowest(): Record<string, number>;
  /** When (simulation clock) the lowest count of a workload was first reached. */
  lowestAt(kind: WorkloadKind, name: string): number | undefined;
  stop(): void;
}

const resourceOf: Record<WorkloadKind, string> = { deployment: 'deployments', statefulset: 'statefulsets', daemonset: 'daemonsets' };

/**
 * Counts, from the simulation's own objects and at every change of its store, the Ready pods without a
 * deletionTimestamp of every workload in `namespace`: the ground truth a floor is about, whatever the product logs.
 */
export function watchServingPods(sim: Simulation, namespace: string): ServingPodsWatch {
  const workloads: WorkloadName[] = (['deployment', 'statefulset', 'daemonset'] as const).flatMap((kind) =>
    sim.store.list(resourceOf[kind], namespace).map((w) => ({ kind, name: w.metadata.name })),
  );
  const lowest = new Map<string, { count: number; at: number }>();
  const check = (): void => {
    for (const { kind, name } of workloads) {
      const count = sim.podsOf(kind, namespace, name).filter((p) => isPodReady(p) && !p.metadata.deletionTimestamp).length;
      const key = `${kind}/${name}`;
      const seen = lowest.get(key);
      if (!seen || count < seen.count) lowest.set(key, { count, at: sim.clock.now() });
    }
  };
  check();
  const unsubscribe = sim.store.on((_type, resource) => {
    if (resource === 'pods') check();
  });
  return {
    lowest: () => Object.fromEntries([...lowest].map(([key, { count }]) => [key, count])),
    lowestAt: (kind, name) => lowest.get(`${kind}/${name}`)?.at,
    stop: unsubscribe,
  };
}
