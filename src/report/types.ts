import type { LogEntry } from '../log/entries.js';
import type { WorkloadRef } from '../kube/types.js';

/** One result shape for the verification command, whether it passed or failed. */
export interface VerifyResult {
  command: string[];
  shell: boolean;
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  cancelled: boolean;
  failed: boolean;
  startedAt: number;
  durationMs: number;
  /** Last lines of stdout and stderr (bounded). */
  stdoutTail: string;
  stderrTail: string;
  /** "timed out after 30s", "exited with code 3 (…)", "passed". */
  shortMessage: string;
}

/** A test case taken from another JUnit file (e.g. Rally's), normalised to what the Jenkins XSD allows. */
export interface ExternalCase {
  suite: string;
  className: string;
  name: string;
  timeSeconds: number;
  /**
   * When the case started, if its file says: the case's own `timestamp` (Rally's), else its suite's plus the times of
   * the cases before it in that suite. `at` is epoch ms (a timestamp without an offset is local time, as the verifier
   * wrote it); `precisionMs` is what the timestamp resolves (1000 for whole seconds).
   */
  start?: { at: number; precisionMs: number; from: 'testcase' | 'testsuite' };
  failure?: string;
  error?: string;
  skipped?: string;
  systemOut?: string;
  systemErr?: string;
}

export interface DeployCheckResult {
  /** "deployment/openstack/keystone", or "helm/openstack/openstack" for a Helm release itself. */
  name: string;
  /** undefined for a Helm release's own record. */
  workload: WorkloadRef | undefined;
  ready: boolean;
  message: string;
  durationMs: number;
}

export type RunOutcome = 'passed' | 'verify-failed' | 'deploy-failed' | 'cluster-failed' | 'steady-state-failed' | 'chaos-failed' | 'interrupted';

export interface CookieSummary {
  name: string;
  group: 'killpod' | 'nodeexec';
  target: string;
  stoppedReason: 'duration' | 'stopped' | 'aborted' | undefined;
}

/** The report object the CLI renders and `runPipeline` returns. Entries are the kill log. */
export interface RunReport {
  runId: string;
  startedAt: number;
  finishedAt: number;
  dryRun: boolean;
  seed: number;
  server: string;
  outcome: RunOutcome;
  exitCode: number;
  interrupted: 'SIGINT' | 'SIGTERM' | undefined;
  /** Recovery SLO in ms, if `--max-recovery` was given. */
  maxRecoveryMs: number | undefined;
  deployCheck: DeployCheckResult[];
  cookies: CookieSummary[];
  verification: VerifyResult | undefined;
  externalCases: ExternalCase[];
  entries: LogEntry[];
  /** One line per reason the run did not pass. */
  problems: string[];
  /** Why chaos was halted early (a probe with `abort: true` breached), if it was. */
  abortReason?: string | undefined;
}
