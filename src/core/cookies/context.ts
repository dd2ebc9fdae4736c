import type { Cluster, Pod, PodRef, Workload } from '../../kube/types.js';
import type { KillLog, KillMode } from '../../log/entries.js';
import type { Clock } from '../clock.js';
import type { RunLedger } from '../ledger.js';
import type { Rng } from '../rng.js';
import type { Targets } from './targets.js';

/** Run-wide choices that cookie files may refine. */
export interface BiteOptions {
  dryRun: boolean;
  /** Used when the cookie names no mode. */
  mode: KillMode;
  /** Used when the cookie names no grace period; undefined = the pod's own. */
  gracePeriodSeconds: number | undefined;
  /** Overrides every cookie's `safety.allowKubeSystem` when true. */
  allowKubeSystem: boolean;
  /** How many DELETE/evict calls of one tick may be in flight at once. */
  concurrency: number;
  /** The pod this process runs in, never killed. */
  self: { namespace: string; name: string } | undefined;
}

/** A pod we really killed (not in dry-run): what recovery tracking needs. */
export interface KillRecord {
  cookie: string;
  pod: PodRef;
  workload: Workload;
  /** Every pod of the workload the tick saw; any other pod seen later is a replacement. */
  knownPodUids: string[];
  /** The victim's node: a DaemonSet's replacement is the new pod on it. */
  nodeName?: string | undefined;
  /** When the DELETE or eviction was sent: recovery stages count from here. */
  requestedAt: number;
  /** When it was accepted. */
  at: number;
}

export interface BiteContext {
  cluster: Cluster;
  clock: Clock;
  rng: Rng;
  log: KillLog;
  options: BiteOptions;
  /** Kills not yet recovered and the per-workload turn of floor decisions, shared by every cookie of the run. */
  ledger: RunLedger;
  signal?: AbortSignal | undefined;
  /** Where the cookie reads workloads and pods: watches (one request per kill) or, by default, GET and LIST. */
  targets?: Targets | undefined;
  onKill?: ((kill: KillRecord) => void) | undefined;
}

export type { Pod };
