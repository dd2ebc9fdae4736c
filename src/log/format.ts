import { formatDuration } from '../config/duration.js';
import { describeScopeLegacy } from '../core/cookie-target.js';
import type { EntryOf, LogEntry, LogKind } from './entries.js';
import { describeStages } from './stages.js';

export type LogFormat = 'text' | 'legacy' | 'json';

type Formatters = { [K in LogKind]: (entry: EntryOf<K>) => string | undefined };

const pod = (e: { pod: { namespace: string; name: string } }) => `${e.pod.namespace}/${e.pod.name}`;
const ms = (value: number | undefined) => (value === undefined ? '—' : formatDuration(value));

/** Our own wording. Every kind must have a formatter, or this does not compile. */
const text: Formatters = {
  'run-start': (e) => `run ${e.runId} against ${e.server}, seed ${e.seed}${e.dryRun ? ', DRY RUN: nothing will be deleted' : ''}`,
  'deploy-check': (e) => `${e.ready ? 'ready' : 'NOT READY'}: ${e.name}: ${e.message}`,
  'cookie-start': (e) =>
    e.group === 'nodeexec'
      ? `cookie ${e.cookie}: run on ${e.target}`
      : `cookie ${e.cookie}: ${e.target}, every ${formatDuration(e.intervalMs)}${e.durationMs ? ` for ${formatDuration(e.durationMs)}` : ''}`,
  bite: (e) =>
    `cookie ${e.cookie}: ${e.dryRun ? 'would ' : ''}${e.mode} pod ${pod(e)} of ${e.workload.kind}/${e.workload.name} (${e.availableBefore}/${e.desired} available)${e.dryRun ? ' [dry run]' : ''}`,
  skip: (e) => `cookie ${e.cookie}: ${e.message}`,
  error: (e) => `${e.cookie ? `cookie ${e.cookie}: ` : ''}error: ${e.message}${e.hint ? ` (${e.hint})` : ''}`,
  recovery: (e) =>
    e.recovered
      ? `recovered: ${e.workload.kind}/${e.workload.name} after ${ms(e.recoveredMs)} (${describeStages(e.stages) || `replacement after ${ms(e.replacementMs)}`}; ${e.method}) for pod ${e.pod.name}`
      : `NOT RECOVERED: ${e.workload.kind}/${e.workload.name} after losing pod ${e.pod.name} (${describeStages(e.stages) || `replacement ${e.replacementMs === undefined ? 'never seen' : `after ${ms(e.replacementMs)}`}`})`,
  retry: (e) => `retry ${e.attempt} of ${e.operation}: ${e.message}`,
  probe: (e) => `probe ${e.probe} (${e.phase}): ${e.ok ? 'ok' : 'FAILED'}: ${e.message}`,
  'probe-end': (e) => `probe ${e.probe} (${e.phase}): ${e.samples} samples, ${e.failures} failed${e.breached ? `, BREACHED (tolerance ${e.tolerance})` : ''}`,
  'chaos-abort': (e) => `chaos aborted: ${e.reason}`,
  'probe-impact': (e) => `probe ${e.probe}: ${e.failures} failed ${e.failures === 1 ? 'sample' : 'samples'} during the recovery of ${e.pod.namespace}/${e.pod.name} (${e.workload.kind}/${e.workload.name}, cookie ${e.cookie})`,
  'cookie-stop': (e) => `cookie ${e.cookie} stopped (${e.reason}): ${e.bites} kills, ${e.skips} skips, ${e.errors} errors`,
  'verify-start': (e) => `verification: ${e.command.join(' ')}`,
  'verify-end': (e) =>
    `verification ${e.timedOut ? 'timed out' : e.cancelled ? 'cancelled' : e.signal ? `killed by ${e.signal}` : `exited with ${e.exitCode}`} after ${formatDuration(e.durationMs)}`,
  exec: (e) => `cookie ${e.cookie}: node ${e.node}: ${e.command.join(' ')} ${describeExecEnd(e)}`,
  'notify-failed': (e) => `notification to ${e.channel} failed: ${e.message}`,
  'run-end': (e) => `run ended: ${e.outcome} (exit ${e.exitCode})`,
};

/** How a node command ended, in words: never "exited with null". */
export function describeExecEnd(e: EntryOf<'exec'>): string {
  if (e.dryRun) return 'not run (dry run)';
  if (e.cancelled) return 'cancelled (interrupted)';
  if (e.exitCode === null) return `ended without an exit code${e.stderr ? `: ${e.stderr.trimEnd().split('\n').at(-1)?.replace('[cookiemonster] ', '')}` : ''}`;
  return `exited with code ${e.exitCode}`;
}

/** The original Cookiemonster's wording, for people who grep for it; kinds it never logged use ours. */
const legacy: Partial<Formatters> = {
  'cookie-start': (e) => describeScopeLegacy(e.scope),
  bite: (e) => `Eating pod ${e.pod.name} NOM NOM NOM!!!!${e.dryRun ? ' (dry run)' : ''}`,
  skip: (e) => e.message,
  'cookie-stop': (e) => `Done snacking on ${e.cookie}`,
};

export function formatEntry(entry: LogEntry, format: Exclude<LogFormat, 'json'>): string | undefined {
  const table = (format === 'legacy' ? { ...text, ...legacy } : text) as Record<LogKind, (e: LogEntry) => string | undefined>;
  return table[entry.kind](entry);
}

/** Go's default logger prefix, `YYYY/MM/DD HH:MM:SS`, in UTC. */
export function legacyTimestamp(at: number): string {
  return new Date(at).toISOString().slice(0, 19).replace('T', ' ').replaceAll('-', '/');
}

export function toJsonLine(entry: LogEntry): string {
  return JSON.stringify({ ...entry, time: new Date(entry.at).toISOString() });
}
