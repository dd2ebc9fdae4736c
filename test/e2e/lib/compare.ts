import { existsSync } from 'node:fs';
import { appendFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CliRun } from './cli.js';
import { ofKind } from './reports.js';

/** One scenario's observable outcome on one backend; the teardown lines them up real vs fake. */
export interface Outcome {
  scenario: string;
  backend: string;
  exitCode: number | null;
  bites: number;
  skips: string[];
  errors: string[];
  replacementMs: number[];
  recoveredMs: number[];
  ms: number;
}

const fileOf = (workDir: string): string => join(workDir, 'outcomes.jsonl');

export async function recordOutcome(workDir: string, scenario: string, backend: string, run: CliRun): Promise<void> {
  const recoveries = ofKind(run.killLog, 'recovery');
  const outcome: Outcome = {
    scenario,
    backend,
    exitCode: run.code,
    bites: ofKind(run.killLog, 'bite').length,
    skips: [...new Set(ofKind(run.killLog, 'skip').map((e) => String(e.reason)))],
    errors: [...new Set(ofKind(run.killLog, 'error').map((e) => String(e.code)))],
    replacementMs: recoveries.map((e) => e.replacementMs ?? -1),
    recoveredMs: recoveries.map((e) => e.recoveredMs ?? -1),
    ms: run.ms,
  };
  await appendFile(fileOf(workDir), `${JSON.stringify(outcome)}\n`);
}

const median = (xs: number[]): string => {
  if (xs.length === 0) return '-';
  const s = [...xs].sort((a, b) => a - b);
  return String(s[Math.floor(s.length / 2)]);
};

/** A plain-text table of every scenario on every backend, with the differences between backends marked. */
export async function compareOutcomes(workDir: string): Promise<string> {
  if (!existsSync(fileOf(workDir))) return '';
  const outcomes = (await readFile(fileOf(workDir), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Outcome);
  const scenarios = [...new Set(outcomes.map((o) => o.scenario))];
  const rows = [['scenario', 'backend', 'exit', 'bites', 'skips', 'errors', 'replacement ms (median)', 'recovered ms (median)', 'run ms', '']];
  for (const scenario of scenarios) {
    const order = ['real-node', 'real', 'fake'];
    const mine = outcomes.filter((o) => o.scenario === scenario).sort((a, b) => order.indexOf(a.backend) - order.indexOf(b.backend));
    const shape = (o: Outcome): string => JSON.stringify([o.exitCode, o.bites > 0, o.skips.sort(), o.errors.sort()]);
    const differs = new Set(mine.map(shape)).size > 1;
    for (const o of mine) {
      rows.push([scenario, o.backend, String(o.exitCode), String(o.bites), o.skips.join(',') || '-', o.errors.join(',') || '-', median(o.replacementMs), median(o.recoveredMs), String(o.ms), differs ? 'DIFFERS' : '']);
    }
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd()).join('\n');
}
