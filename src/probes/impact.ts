import { entriesOf, type EntryOf, type LogEntry, type NewEntry } from '../log/entries.js';

/**
 * Failed `during` samples of each probe inside each kill's outage window, from the kill to its recovery (or to the end
 * of the log when it never recovered): the `probe-impact` entries that say which kill hurt the service.
 */
export function probeImpact(entries: readonly LogEntry[]): Extract<NewEntry, { kind: 'probe-impact' }>[] {
  const failures = entriesOf(entries, 'probe').filter((p) => p.phase === 'during' && !p.ok);
  if (failures.length === 0) return [];
  const end = entries.at(-1)?.at ?? 0;
  const recoveredAt = new Map(entriesOf(entries, 'recovery').map((r) => [r.pod.uid, r.recovered ? r.at : end]));
  const impacts: Extract<NewEntry, { kind: 'probe-impact' }>[] = [];
  for (const bite of entriesOf(entries, 'bite').filter((b) => !b.dryRun)) {
    const until = recoveredAt.get(bite.pod.uid) ?? end;
    const counts = new Map<string, number>();
    for (const f of failures) if (f.at >= bite.at && f.at <= until) counts.set(f.probe, (counts.get(f.probe) ?? 0) + 1);
    for (const [probe, n] of counts) impacts.push({ kind: 'probe-impact', probe, cookie: bite.cookie, pod: bite.pod, workload: bite.workload, failures: n });
  }
  return impacts;
}

/** "3 failed samples of shop during the recovery of openstack/glance-api-x7", for JUnit and summaries. */
export function describeImpact(e: Pick<EntryOf<'probe-impact'>, 'probe' | 'failures' | 'pod'>): string {
  return `${e.failures} failed ${e.failures === 1 ? 'sample' : 'samples'} of ${e.probe} during the recovery of ${e.pod.namespace}/${e.pod.name}`;
}
