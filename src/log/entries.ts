import type { ProbePhase } from '../probes/spec.js';
import type { CookieScope } from '../core/cookie-target.js';
import type { Clock } from '../core/clock.js';
import type { ErrorCode } from '../errors.js';
import type { PodRef, WorkloadRef } from '../kube/types.js';

/** Why a tick killed nothing. */
export type SkipReason =
  | 'only-one-available'
  | 'quorum'
  | 'floor'
  | 'no-workload'
  | 'workload-missing'
  | 'no-candidates'
  | 'protected-namespace'
  | 'disruption-budget'
  | 'pod-gone'
  | 'self';

export type KillMode = 'delete' | 'evict';

/** One entry of the kill log: a union on `kind`; every output (text, JSON lines, JUnit, REST) reads these. */
export type LogEntry =
  | { kind: 'run-start'; at: number; runId: string; dryRun: boolean; seed: number; server: string }
  | { kind: 'deploy-check'; at: number; name: string; ready: boolean; message: string }
  | {
      kind: 'cookie-start';
      at: number;
      cookie: string;
      group: 'killpod' | 'nodeexec';
      /** What the cookie aims at, as data; `target` is the same in words. */
      scope: CookieScope;
      target: string;
      intervalMs: number;
      durationMs: number;
      dryRun: boolean;
    }
  | {
      kind: 'bite';
      at: number;
      cookie: string;
      tick: number;
      dryRun: boolean;
      mode: KillMode;
      pod: PodRef;
      nodeName: string | undefined;
      workload: WorkloadRef;
      availableBefore: number;
      desired: number;
    }
  | { kind: 'skip'; at: number; cookie: string; tick: number; reason: SkipReason; message: string; workload?: WorkloadRef }
  | { kind: 'error'; at: number; cookie?: string; tick?: number; code: ErrorCode; message: string; hint?: string }
  | {
      kind: 'recovery';
      at: number;
      cookie: string;
      pod: PodRef;
      workload: WorkloadRef;
      /** How the stages were observed: a watch of the workload and its pods, or polling (watch forbidden or failing). */
      method: 'poll' | 'watch';
      /** Milliseconds from the kill request until a replacement pod existed. */
      replacementMs: number | undefined;
      /** Milliseconds from the kill request until the last stage: victim gone, replacement Ready, workload available again. */
      recoveredMs: number | undefined;
      recovered: boolean;
      /** Absent only in entries written before stages were recorded. */
      stages?: RecoveryStages | undefined;
    }
  | { kind: 'retry'; at: number; operation: string; attempt: number; message: string }
  | {
      kind: 'cookie-stop';
      at: number;
      cookie: string;
      reason: 'duration' | 'stopped' | 'aborted';
      bites: number;
      skips: number;
      errors: number;
    }
  | { kind: 'verify-start'; at: number; command: string[] }
  | {
      kind: 'verify-end';
      at: number;
      exitCode: number | null;
      signal: string | null;
      timedOut: boolean;
      cancelled: boolean;
      durationMs: number;
    }
  | {
      kind: 'exec';
      at: number;
      cookie: string;
      node: string;
      command: string[];
      /** null when the command did not end with an exit code (timed out, cancelled, runtime failure). */
      exitCode: number | null;
      /** Interrupted (SIGINT/SIGTERM, abort) while running, or before it could start: not a result of the node. */
      cancelled: boolean;
      /** Dry run: the command was not executed; the node and worker were chosen as a real run would. */
      dryRun: boolean;
      stdout: string;
      stderr: string;
    }
  | { kind: 'notify-failed'; at: number; channel: string; message: string }
  /** A probe sample: every failure, and a pass when the probe starts passing (its first sample, or after failures). */
  | { kind: 'probe'; at: number; probe: string; phase: ProbePhase | 'start-when'; ok: boolean; message: string }
  /** A probe's phase is over: its samples, failures, and whether its tolerance was breached. */
  | { kind: 'probe-end'; at: number; probe: string; phase: ProbePhase | 'start-when'; samples: number; failures: number; breached: boolean; tolerance: string }
  /** A probe with `abort: true` breached its tolerance: no cookie bites again in this run. */
  | { kind: 'chaos-abort'; at: number; probe: string; reason: string }
  /** Failed samples of a probe during one kill's outage window (from the kill to its recovery). */
  | { kind: 'probe-impact'; at: number; probe: string; cookie: string; pod: PodRef; workload: WorkloadRef; failures: number }
  | { kind: 'run-end'; at: number; outcome: string; exitCode: number };

/**
 * When each stage of a kill's recovery was observed, in milliseconds from the kill request (as each event was received).
 * A stage not reached is absent; `scheduled` is absent for a replacement created already bound to its node.
 */
export interface RecoveryStages {
  /** The API server accepted the DELETE or eviction. */
  accepted: number;
  terminating?: number;
  gone?: number;
  /** A replacement pod that did not exist before the kill. */
  replacement?: number;
  scheduled?: number;
  /** The replacement's Ready condition (readiness gates and sidecars included). */
  ready?: number;
  /** The workload's available count back to its pre-kill value, in a status written after the kill. */
  available?: number;
}

export type LogKind = LogEntry['kind'];
export type EntryOf<K extends LogKind> = Extract<LogEntry, { kind: K }>;
type WithoutAt<T> = T extends unknown ? Omit<T, 'at'> : never;
export type NewEntry = WithoutAt<LogEntry>;

export interface KillLog {
  /** Stamps the entry with the clock's time, stores it and tells every subscriber. */
  append(entry: NewEntry): LogEntry;
  entries(): readonly LogEntry[];
  subscribe(listener: (entry: LogEntry) => void): () => void;
}

export function createKillLog(clock: Clock): KillLog {
  const stored: LogEntry[] = [];
  const listeners = new Set<(entry: LogEntry) => void>();
  return {
    append(entry) {
      const stamped = { ...entry, at: clock.now() } as LogEntry;
      stored.push(stamped);
      for (const listener of listeners) listener(stamped);
      return stamped;
    },
    entries: () => stored,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

export function entriesOf<K extends LogKind>(entries: readonly LogEntry[], kind: K): EntryOf<K>[] {
  return entries.filter((entry): entry is EntryOf<K> => entry.kind === kind);
}
