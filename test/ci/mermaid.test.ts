import { describe, expect, it } from 'vitest';
import { ganttText, killGantt, maxChartKills } from '../../src/ci/mermaid.js';
import { renderStepSummary } from '../../src/ci/summary.js';
import { bigReport } from '../report/big-report.js';
import { sampleReport, t0 } from '../report/sample-report.js';

/**
 * Mermaid's gantt grammar as documented (mermaid.js.org/syntax/gantt.html): `gantt`, then `title`, `dateFormat`,
 * `axisFormat`, `todayMarker`, `section NAME` and tasks `NAME :[tags,] [id,] start, end`; with `dateFormat x`
 * start and end are Unix milliseconds. Task names cannot hold ":" (the separator), "#" or ";" (entity codes).
 * Returns the problems, one per line; the mermaid package itself needs Node ≥ 22.12 (v12) or a DOM for titles (v11).
 */
function ganttProblems(block: string): string[] {
  const problems: string[] = [];
  const lines = block.split('\n');
  if (lines[0] !== '```mermaid' || lines.at(-1) !== '```') problems.push('not a ```mermaid fence');
  const body = lines.slice(1, -1);
  if (body[0] !== 'gantt') problems.push(`first line ${JSON.stringify(body[0])}, expected gantt`);
  let dateFormat: string | undefined;
  let sections = 0;
  for (const [index, raw] of body.slice(1).entries()) {
    const line = raw.trim();
    const where = `line ${index + 2}`;
    if (/^title [^\n]+$/.test(line) || /^axisFormat %[HMS](:%[HMS])*$/.test(line) || line === 'todayMarker off') continue;
    const format = /^dateFormat (\S+)$/.exec(line);
    if (format) {
      dateFormat = format[1];
      continue;
    }
    if (/^section [^:#;]+$/.test(line)) {
      sections++;
      continue;
    }
    const task = /^([^:#;]+?) :(.*)$/.exec(line);
    if (!task) {
      problems.push(`${where}: not a statement: ${line}`);
      continue;
    }
    if (sections === 0) problems.push(`${where}: task before any section`);
    const meta = (task[2] ?? '').split(',').map((p) => p.trim());
    while (['crit', 'active', 'done', 'milestone'].includes(meta[0] ?? '')) meta.shift();
    const [start, end, ...extra] = meta.length === 3 ? meta.slice(1) : meta;
    if (extra.length > 0 || start === undefined || end === undefined) problems.push(`${where}: expected [tags,] [id,] start, end: ${line}`);
    else if (dateFormat !== 'x' || !/^\d+$/.test(start) || !/^\d+$/.test(end)) problems.push(`${where}: start and end must be Unix ms with dateFormat x: ${line}`);
    else if (Number(end) <= Number(start)) problems.push(`${where}: ends before it starts: ${line}`);
  }
  if (dateFormat !== 'x') problems.push('no dateFormat x');
  return problems;
}

describe('Mermaid gantt of the kills (GitHub job summary)', () => {
  it('the grammar check can fail', () => {
    expect(ganttProblems('```mermaid\ngantt\n    dateFormat x\n    a task :crit, 10, 20\n```')).toEqual(['line 3: task before any section']);
    expect(ganttProblems('```mermaid\ngantt\n    dateFormat x\n    section s\n    pod: x :crit, 10, 20\n    b :20, 10\n```')).toEqual([
      'line 4: not a statement: pod: x :crit, 10, 20',
      'line 5: ends before it starts: b :20, 10',
    ]);
  });

  it('has a section per workload, down until the replacement then back until available, open kills in red, failed timed cases', () => {
    const report = {
      ...sampleReport(),
      externalCases: [{ suite: 'api', className: 'api', name: 'login: under chaos #1', timeSeconds: 1, start: { at: t0 + 15_000, precisionMs: 1, from: 'testcase' as const }, failure: 'got 503' }],
    };
    const block = killGantt(report) ?? '';
    expect(ganttProblems(block)).toEqual([]);
    const at = (ms: number) => String(t0 + ms);
    expect(block.split('\n').slice(1, -1)).toEqual([
      'gantt',
      '    title Kills and recoveries',
      '    dateFormat x',
      '    axisFormat %H:%M:%S',
      '    todayMarker off',
      '    section deployment/keystone',
      `    keystone-7d9f-abc down :crit, ${at(14_000)}, ${at(15_100)}`,
      `    keystone-7d9f-abc back :active, ${at(15_100)}, ${at(18_200)}`,
      `    keystone-7d9f-def down :crit, ${at(24_000)}, ${at(26_000)}`,
      `    keystone-7d9f-def back (over SLO) :crit, ${at(26_000)}, ${at(69_000)}`,
      `    keystone-7d9f-ghi NOT RECOVERED :crit, ${at(44_000)}, ${at(164_000)}`,
      '    section failed tests',
      `    api.login_ under chaos _1 :crit, ${at(15_000)}, ${at(16_001)}`,
    ]);
  });

  it('stays valid whatever the names hold, and is capped for big runs', () => {
    const report = sampleReport();
    report.entries = report.entries.map((e) => (e.kind === 'bite' || e.kind === 'recovery' ? { ...e, pod: { ...e.pod, name: 'a:b;c#d%%e\nf' } } : e));
    expect(ganttProblems(killGantt(report) ?? '')).toEqual([]);
    expect(ganttText('x: y # z ;\n%%')).toBe('x_ y _ z ____');
    const big = killGantt(bigReport(500, 5)) ?? '';
    expect(ganttProblems(big)).toEqual([]);
    expect(big).toContain(`title Kills and recoveries (first ${maxChartKills} of 500)`);
    expect(big.split('\n').filter((l) => / :(crit|active), /.test(l)).length).toBeLessThanOrEqual(2 * maxChartKills);
  });

  it('is in the job summary with the attribution of failed cases; none when nothing was killed', () => {
    const report = {
      ...sampleReport(),
      externalCases: [
        { suite: 'api', className: 'api', name: 'during', timeSeconds: 1, start: { at: t0 + 15_000, precisionMs: 1, from: 'testcase' as const }, failure: 'got 503' },
        { suite: 'api', className: 'api', name: 'outside', timeSeconds: 1, start: { at: t0 + 20_000, precisionMs: 1, from: 'testcase' as const }, failure: 'got 500' },
      ],
    };
    const summary = renderStepSummary(report);
    expect(summary).toContain('### Timeline\n\n```mermaid\ngantt\n');
    expect(summary).toContain('Test failures and kills: 1 failed during chaos, 1 failed outside any kill window');
    expect(summary).toContain('| api.during | **failed during chaos** | openstack/keystone-7d9f-abc (deployment/keystone, cookie keystone-killer) |');
    expect(summary).toContain('| api.outside | failed outside any kill window | none |');
    expect(renderStepSummary({ ...report, entries: report.entries.filter((e) => e.kind !== 'bite') })).not.toContain('```mermaid');
  });
});
