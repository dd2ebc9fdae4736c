#!/usr/bin/env node
// `npm run bench [-- --quick] [--only startup,api-cost] [--out FILE] [--kubectl PATH] [--strict]`
// A full run prints the tables and writes bench/results.json; --quick (CI's smoke) and --only runs write a file only
// with --out. Exit 1 when a request-count/bytes budget fails or the harness breaks; timing budgets only with --strict.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { evaluateBudgets, exitCodeFor } from './lib/budgets.mjs';
import { repoRoot, Unavailable } from './lib/dist.mjs';
import { machineFacts } from './lib/machine.mjs';
import { formatTable } from './lib/table.mjs';
import { apiCostHeader, runApiCost } from './sections/api-cost.mjs';
import { baselineHeader, runBaseline } from './sections/baseline.mjs';
import { detectionHeader, runDetection } from './sections/detection.mjs';
import { memoryHeader, runMemory } from './sections/memory.mjs';
import { runStartup, startupHeader } from './sections/startup.mjs';
import { runThroughput, throughputHeader } from './sections/throughput.mjs';
import { runTimer, timerHeader } from './sections/timer.mjs';

const sections = [
  { id: 'startup', title: '1. Start-up (whole process)', header: startupHeader, run: runStartup },
  { id: 'api-cost', title: '2. API cost per kill vs namespace size', header: apiCostHeader, run: runApiCost, gating: true },
  { id: 'detection', title: '3. Recovery detection and accuracy (2 s ready delay)', header: detectionHeader, run: runDetection },
  { id: 'timer', title: '4. Timer accuracy (systemClock, 10 ms interval)', header: timerHeader, run: runTimer },
  { id: 'throughput', title: '5. Kill throughput (fake server latency 5 ms per request)', header: throughputHeader, run: runThroughput },
  { id: 'memory', title: '6. Memory', header: memoryHeader, run: runMemory },
  { id: 'baseline', title: '7. Baseline: kubectl shell loop', header: baselineHeader, run: runBaseline },
];

const usage = `usage: node bench/run.mjs [--quick] [--only ${sections.map((s) => s.id).join(',')}] [--out FILE] [--kubectl PATH] [--strict]`;

function parseCommandLine(argv) {
  try {
    const { values } = parseArgs({
      args: argv,
      options: {
        quick: { type: 'boolean', default: false },
        only: { type: 'string' },
        out: { type: 'string' },
        kubectl: { type: 'string', default: process.env.KUBECTL ?? 'kubectl' },
        strict: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
    const known = new Set(sections.map((s) => s.id));
    const only = values.only ? values.only.split(',').map((s) => s.trim()).filter(Boolean) : [...known];
    const unknown = only.filter((id) => !known.has(id));
    if (unknown.length > 0) throw new Error(`--only: expected some of ${[...known].join(', ')}, got "${unknown.join(', ')}"`);
    return { ...values, only };
  } catch (error) {
    process.stderr.write(`bench: ${error.message}\n${usage}\n`);
    process.exit(2);
  }
}

const options = parseCommandLine(process.argv.slice(2));
if (options.help) {
  process.stdout.write(`${usage}\n`);
  process.exit(0);
}
const log = (line) => process.stderr.write(`  … ${line}\n`);
const results = { machine: machineFacts(), quick: options.quick, sections: {} };
const missingGating = [];
let broken = false;
const started = Date.now();

for (const section of sections.filter((s) => options.only.includes(s.id))) {
  process.stderr.write(`bench: ${section.id}\n`);
  try {
    const { rows, ...data } = await section.run({ quick: options.quick, log, kubectl: options.kubectl });
    results.sections[section.id] = data;
    process.stdout.write(`\n${section.title}\n\n${formatTable(section.header, rows)}\n`);
  } catch (error) {
    const skipped = error instanceof Unavailable;
    results.sections[section.id] = { skipped: error.message };
    process.stdout.write(`\n${section.title}\n\n${skipped ? 'skipped' : 'FAILED'}: ${error.message}\n`);
    if (!skipped) {
      broken = true;
      process.stderr.write(`${error.stack}\n`);
    }
    if (section.gating) missingGating.push(section.id);
  }
}

const baselineResult = results.sections.baseline;
results.machine.kubectl = baselineResult?.kubectl ?? (baselineResult?.skipped ? { unavailable: baselineResult.skipped } : 'not measured');
const budgets = evaluateBudgets(results.sections);
results.budgets = budgets;
results.elapsedSeconds = Math.round((Date.now() - started) / 100) / 10;
if (budgets.length > 0) {
  const rows = budgets.map((b) => [b.description, b.limit, b.actual, b.pass ? 'ok' : b.deterministic || options.strict ? 'FAIL' : 'missed']);
  process.stdout.write(`\nBudgets\n\n${formatTable(['budget', 'limit', 'measured', 'result'], rows)}\n`);
}
const m = results.machine;
const kubectlFact = m.kubectl?.version ? `, kubectl ${m.kubectl.version}` : '';
process.stdout.write(`\n${m.cpus} × ${m.cpuModel}, Node ${m.node}${kubectlFact}, load ${m.loadavg1m}; ${results.elapsedSeconds} s${options.quick ? ' (quick)' : ''}\n`);

const full = !options.quick && options.only.length === sections.length;
const out = options.out ?? (full ? join(repoRoot, 'bench', 'results.json') : undefined);
if (out) {
  await writeFile(out, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`results: ${out}\n`);
} else {
  process.stdout.write('results: not written (quick or partial run; pass --out FILE to keep them)\n');
}
const code = broken ? 1 : exitCodeFor(budgets, { strict: options.strict, missingGating });
if (code !== 0) process.stderr.write('bench: a budget failed or a gating section could not run (see above)\n');
process.exitCode = code;
