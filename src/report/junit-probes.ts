import { entriesOf } from '../log/entries.js';
import { describeImpact } from '../probes/impact.js';
import { failure, passed, seconds, type CaseSpec, type SuiteSpec } from './junit-model.js';
import type { RunReport } from './types.js';

/** Failed samples shown in a case; the rest are counted. */
const shownFailures = 20;

export const probeSuiteName = (probe: string): string => `probe ${probe}`;

/** One suite per probe, a case per phase it ran: failed when its tolerance broke, with the samples that broke it. */
export function probeSuites(report: RunReport): SuiteSpec[] {
  const ends = entriesOf(report.entries, 'probe-end');
  const probes = [...new Set(ends.map((e) => e.probe))];
  return probes.map((probe) => {
    const className = probeSuiteName(probe);
    const mine = ends.filter((e) => e.probe === probe);
    const samples = entriesOf(report.entries, 'probe').filter((p) => p.probe === probe);
    const impacts = entriesOf(report.entries, 'probe-impact').filter((i) => i.probe === probe);
    const cases = mine.map((end): CaseSpec => {
      const failed = samples.filter((s) => s.phase === end.phase && !s.ok);
      const started = samples.find((s) => s.phase === end.phase)?.at ?? end.at;
      const lines = failed.slice(0, shownFailures).map((s) => `${new Date(s.at).toISOString()} ${s.message}`);
      if (failed.length > shownFailures) lines.push(`… and ${failed.length - shownFailures} more failed samples in the kill log`);
      const impact = end.phase === 'during' ? impacts.map((i) => describeImpact(i)) : [];
      const summary = `${end.samples} samples, ${end.failures} failed; tolerance: ${end.tolerance}`;
      return {
        className,
        name: end.phase,
        timeSeconds: seconds(Math.max(0, end.at - started)),
        verdict: end.breached ? failure(`${probe} ${end.phase === 'during' ? 'breached its tolerance' : 'failed'}: ${summary}`, 'probe-failed', lines.join('\n')) : passed,
        systemOut: [summary, ...impact].join('\n'),
      };
    });
    const startedAt = samples[0]?.at ?? report.startedAt;
    return { name: className, startedAt, timeSeconds: cases.reduce((sum, c) => sum + c.timeSeconds, 0), cases };
  });
}
