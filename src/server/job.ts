import type { Cookie } from '../config/schema.js';
import type { KillLog } from '../log/entries.js';
import type { RunReport } from '../report/types.js';

export type JobSource = 'legacy' | 'v1' | 'v2';

/** One start of one or more cookies in server mode; its kill log and report are kept after it ends. */
export interface Job {
  readonly id: string;
  readonly name: string;
  readonly group: 'killpod' | 'nodeexec';
  readonly source: JobSource;
  readonly cookies: readonly Cookie[];
  readonly log: KillLog;
  readonly seed: number;
  readonly dryRun: boolean;
  readonly maxRecoveryMs: number | undefined;
  readonly startedAt: number;
  /** running → stopping (no more kills; recovery being measured) → finished. */
  state: 'running' | 'stopping' | 'finished';
  stoppedAt: number | undefined;
  finishedAt: number | undefined;
  /** `aborted`: a probe with `abort: true` breached. */
  endReason: 'duration' | 'stopped' | 'shutdown' | 'aborted' | undefined;
  /** The run's report, once finished. */
  report: RunReport | undefined;
  /** Resolves once finished: recovery settled, notifications flushed, kill-log file closed. Never rejects. */
  readonly finished: Promise<void>;
}
