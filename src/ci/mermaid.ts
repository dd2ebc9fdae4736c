import { attributeCases, type OutageWindow } from '../report/attribution.js';
import type { RunReport } from '../report/types.js';

/** Kills drawn in the chart; the kill log, the JUnit and the HTML report have them all. */
export const maxChartKills = 40;
export const maxChartCases = 20;

/** Task and section names: Mermaid's gantt splits tasks at ":", and "#", ";" and "%%" have meanings of their own. */
export function ganttText(text: string): string {
  return text.replace(/[^A-Za-z0-9 ._/()+-]/g, '_').replace(/\s+/g, ' ').trim() || '_';
}

/**
 * A Mermaid `gantt` of the kills (a section per workload: pod down until a replacement was seen, then back until
 * available) and of the failed test cases with times, which GitHub renders in a job summary. Times are epoch ms
 * (`dateFormat x`), so the axis shows the viewer's clock. Undefined when nothing was killed.
 */
export function killGantt(report: RunReport): string | undefined {
  const attribution = attributeCases(report);
  const windows = attribution.windows;
  if (windows.length === 0) return undefined;
  const shown = windows.slice(0, maxChartKills);
  const title = windows.length > shown.length ? `Kills and recoveries (first ${shown.length} of ${windows.length})` : 'Kills and recoveries';
  const lines = ['gantt', `    title ${title}`, '    dateFormat x', '    axisFormat %H:%M:%S', '    todayMarker off'];
  const bySection = new Map<string, OutageWindow[]>();
  for (const w of shown) {
    const section = ganttText(`${w.bite.workload.kind}/${w.bite.workload.name}`);
    bySection.set(section, [...(bySection.get(section) ?? []), w]);
  }
  for (const [section, kills] of bySection) {
    lines.push(`    section ${section}`);
    for (const w of kills) lines.push(...killTasks(w, report.maxRecoveryMs));
  }
  const failed = attribution.cases.filter((c) => c.timed && (c.result === 'failed' || c.result === 'error')).slice(0, maxChartCases);
  if (failed.length > 0) lines.push('    section failed tests');
  for (const c of failed) {
    if (!c.timed) continue;
    lines.push(`    ${ganttText(`${c.testCase.className}.${c.testCase.name}`)} :crit, ${Math.round(c.start)}, ${Math.round(Math.max(c.end, c.start + 1))}`);
  }
  return `\`\`\`mermaid\n${lines.join('\n')}\n\`\`\``;
}

function killTasks(w: OutageWindow, sloMs: number | undefined): string[] {
  const pod = ganttText(w.bite.pod.name);
  const start = Math.round(w.start);
  const end = Math.round(Math.max(w.end, w.start + 1));
  if (w.open) return [`    ${pod} ${w.recovery ? 'NOT RECOVERED' : 'not measured'} :crit, ${start}, ${end}`];
  const slow = sloMs !== undefined && w.end - w.start > sloMs;
  const replaced = w.recovery?.replacementMs;
  if (replaced === undefined || replaced <= 0 || start + replaced >= end) return [`    ${pod} back${slow ? ' (over SLO)' : ''} :${slow ? 'crit' : 'active'}, ${start}, ${end}`];
  return [`    ${pod} down :crit, ${start}, ${start + Math.round(replaced)}`, `    ${pod} back${slow ? ' (over SLO)' : ''} :${slow ? 'crit' : 'active'}, ${start + Math.round(replaced)}, ${end}`];
}
