import { setMaxListeners } from 'node:events';
import { systemClock, type Clock } from '../core/clock.js';
import { seededRng } from '../core/rng.js';
import { selectorMatches } from './selector.js';
import type { LabelSelector, WorkloadKind } from '../kube/types.js';
import { AccessControl, type ForbiddenRule } from './access.js';
import { startControllers, type ControllerTiming } from './controllers.js';
import { markPodNotReady, markPodReady } from './pods.js';
import * as seed from './seed.js';
import { Store, type KubeObject } from './store.js';
import { OwnerIndex, refreshWorkload, trackWorkloadStatus } from './workload-status.js';

/** The simulated cluster behind the fake API server: objects, seeding, RBAC-lite and controllers. No HTTP. */
export interface SimulationOptions {
  /** Timestamps and controller delays. Default systemClock. */
  clock?: Clock;
  /** Seed of generated names and uids, so runs replay. Default 1. */
  seed?: number;
  /** Replace deleted pods (on by default for the demo, off for unit tests). `true` = 1 s / 2 s. */
  controllers?: boolean | Partial<ControllerTiming>;
  /** Identity named in 403 messages. */
  user?: string;
  forbidden?: ForbiddenRule[];
  /** `/version` gitVersion; below v1.21 policy/v1 is not served (evictions need policy/v1beta1). Default v1.29.0. */
  kubernetesVersion?: string;
  /**
   * How the control plane and the kubelets lag, as in a real cluster (`realisticTiming`, the default), or `'instant'`:
   * statuses follow pods at once and deleted pods vanish at once, for unit tests that need it.
   */
  timing?: 'instant' | Partial<ControlPlaneTiming>;
}

export interface ControlPlaneTiming {
  /** Delay between a pod's change and its workload's status showing it (and again for a Deployment's ReplicaSet). */
  statusDelayMs: number;
  /** How long a deleted pod bound to a node stays Terminating before it is gone, at most its grace period. */
  terminationDelayMs: number;
}

export const defaultTiming: ControllerTiming = { replaceDelayMs: 1_000, readyDelayMs: 2_000 };

/** A controller-manager's status updates take tens of milliseconds; containers take about a second to stop. */
export const realisticTiming: ControlPlaneTiming = { statusDelayMs: 30, terminationDelayMs: 1_000 };
const instantTiming: ControlPlaneTiming = { statusDelayMs: 0, terminationDelayMs: 0 };

const resourceOf: Record<WorkloadKind, string> = { deployment: 'deployments', statefulset: 'statefulsets', daemonset: 'daemonsets' };

export class Simulation {
  readonly store: Store;
  readonly clock: Clock;
  readonly access: AccessControl;
  readonly kubernetesVersion: string;
  readonly timing: ControlPlaneTiming;
  private readonly index: OwnerIndex;
  private readonly stopper = new AbortController();
  private controllers: { stop(): void } | undefined;
  private readonly untrack: () => void;
  private seeding = false;

  constructor(options: SimulationOptions = {}) {
    this.clock = options.clock ?? systemClock;
    // One listener per pending status update or controller action: many at once is normal here.
    setMaxListeners(0, this.stopper.signal);
    this.store = new Store(this.clock, seededRng(options.seed ?? 1));
    this.index = new OwnerIndex(this.store);
    this.timing = options.timing === 'instant' ? instantTiming : { ...realisticTiming, ...options.timing };
    this.untrack = trackWorkloadStatus(this.store, this.index, () => this.seeding, { delayMs: this.timing.statusDelayMs, later: this.later });
    this.access = new AccessControl(options.user ?? 'system:serviceaccount:cookiemonster:cookiemonster', options.forbidden);
    this.kubernetesVersion = options.kubernetesVersion ?? 'v1.29.0';
    for (const ns of ['default', 'kube-system']) seed.ensureNamespace(this.store, ns);
    if (options.controllers) this.startControllers(options.controllers === true ? {} : options.controllers);
  }

  /** Starts (or restarts with new timing) the simulated controllers. */
  startControllers(timing: Partial<ControllerTiming> = {}): void {
    this.controllers?.stop();
    this.controllers = startControllers(this.store, this.index, this.clock, { ...defaultTiming, ...timing });
  }

  stopControllers(): void {
    this.controllers?.stop();
    this.controllers = undefined;
  }

  dispose(): void {
    this.stopControllers();
    this.untrack();
    this.stopper.abort(new Error('simulation disposed'));
  }

  /** Runs `action` after `ms` on the simulation clock, unless the simulation is disposed first. */
  readonly later = (ms: number, action: () => void): void => {
    this.clock.sleep(ms, this.stopper.signal).then(action, () => undefined);
  };

  addNamespace = (name: string): KubeObject => seed.ensureNamespace(this.store, name);
  addNode = (name: string, options?: { ready?: boolean; internalIp?: string }): KubeObject => seed.addNode(this.store, name, options);
  addDeployment = (s: seed.WorkloadSeed): KubeObject => this.seedWorkload('deployments', () => seed.addDeployment(this.store, s));
  addStatefulSet = (s: seed.WorkloadSeed): KubeObject => this.seedWorkload('statefulsets', () => seed.addStatefulSet(this.store, s));
  addDaemonSet = (s: seed.DaemonSetSeed): KubeObject => this.seedWorkload('daemonsets', () => seed.addDaemonSet(this.store, s));

  /** Seeds a workload with status tracking paused, then computes its status once: O(pods), not O(pods²). */
  private seedWorkload(resource: string, add: () => KubeObject): KubeObject {
    this.seeding = true;
    let workload: KubeObject;
    try {
      workload = add();
    } finally {
      this.seeding = false;
    }
    for (const rs of this.index.of(workload.metadata.uid, 'replicasets')) refreshWorkload(this.store, this.index, 'replicasets', rs);
    refreshWorkload(this.store, this.index, resource, workload);
    return this.store.get(resource, workload.metadata.namespace ?? '', workload.metadata.name) ?? workload;
  }
  addPods = (namespace: string, count: number, labels: Record<string, string>, options?: { prefix?: string; ready?: boolean }): void =>
    seed.addPods(this.store, namespace, count, labels, options);
  addHelmRelease = (namespace: string, name: string, revision: number, status: string): void => seed.addHelmRelease(this.store, namespace, name, revision, status);
  addPdb = (s: seed.PdbSeed): KubeObject => seed.addPdb(this.store, s);

  /** Pods of a namespace (or all), optionally matching a selector, sorted by name. */
  pods(namespace?: string, selector?: LabelSelector): KubeObject[] {
    return this.store
      .list('pods', namespace)
      .filter((p) => !selector || selectorMatches(p.metadata.labels ?? {}, selector))
      .sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
  }

  workload(kind: WorkloadKind, namespace: string, name: string): KubeObject | undefined {
    return this.store.get(resourceOf[kind], namespace, name);
  }

  /** The pods a workload controls (through its ReplicaSets for a Deployment). */
  podsOf(kind: WorkloadKind, namespace: string, name: string): KubeObject[] {
    const workload = this.workload(kind, namespace, name);
    if (!workload) return [];
    const owners = kind === 'deployment' ? this.index.of(workload.metadata.uid, 'replicasets') : [workload];
    return owners.flatMap((o) => this.index.of(o.metadata.uid, 'pods')).sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
  }

  setPodReady(namespace: string, name: string, ready: boolean): KubeObject {
    const pod = this.store.get('pods', namespace, name);
    if (!pod) throw new Error(`setPodReady: no pod "${name}" in namespace "${namespace}"`);
    return ready ? markPodReady(this.store, pod) : markPodNotReady(this.store, pod);
  }

  forbid(rule: ForbiddenRule): void {
    this.access.forbid(rule);
  }

  allowAll(): void {
    this.access.allowAll();
  }
}
