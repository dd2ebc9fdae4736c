/**
 * The budgets, checked against a results object. `deterministic` budgets (request counts, bytes) hold on any
 * machine and always gate the exit code; timing budgets gate only with --strict, since shared machines are noisy.
 */
export function evaluateBudgets(sections) {
  const budgets = [];
  const add = (id, description, limit, actual, pass, deterministic) => budgets.push({ id, description, limit, actual, pass, deterministic });
  const api = sections['api-cost'];
  if (api && !api.skipped) {
    for (const r of api.results) {
      add(`api.requests-per-kill.${r.pods}`, `requests per kill, named workload, ${r.pods} pods in namespace`, '≤ 3',
        r.named.requestsPerKill, r.named.kills > 0 && r.named.requestsPerKill <= 3 && r.named.maxRequestsPerTick <= 3, true);
      add(`api.requests-per-tick-random.${r.pods}`, `requests per tick, random workload, ${r.pods} pods in namespace`, '≤ 3',
        r.random.maxRequestsPerTick, r.random.maxRequestsPerTick <= 3, true);
    }
    const perKill = api.results.map((r) => r.named.bytesPerKill);
    const growth = Math.max(...perKill) / Math.min(...perKill);
    add('api.bytes-independent-of-namespace', `response bytes per kill, ${api.results.map((r) => r.pods).join(' → ')} pods in namespace (max/min)`,
      '≤ 1.05×', Number(growth.toFixed(3)), Number.isFinite(growth) && growth <= 1.05, true);
  }
  const timer = sections.timer;
  if (timer && !timer.skipped) {
    add('timer.p99', `tick lateness p99 at ${timer.intervalMs} ms interval (ms)`, '≤ 10', timer.scheduler.p99, timer.scheduler.p99 <= 10, false);
    add('timer.drift', `end-to-end drift after ${timer.ticks} ticks (ms)`, '≤ 10', timer.scheduler.driftMs, Math.abs(timer.scheduler.driftMs) <= 10, false);
  }
  const memory = sections.memory;
  if (memory && !memory.skipped) {
    add('memory.peak-rss', `peak RSS, ${memory.pods} pods in scope (MB)`, '≤ 120', memory.runPeakMB, memory.runPeakMB <= 120, false);
  }
  const baseline = sections.baseline;
  if (baseline && !baseline.skipped) {
    add('baseline.speedup', 'time per kill, kubectl shell loop ÷ cookiemonster', '≥ 20×', baseline.speedup, baseline.speedup >= 20, false);
  }
  return budgets;
}

/** Exit code of a bench run: 1 when a gating budget failed or a gating section could not run. */
export function exitCodeFor(budgets, { strict, missingGating }) {
  if (missingGating.length > 0) return 1;
  return budgets.some((b) => !b.pass && (b.deterministic || strict)) ? 1 : 0;
}
