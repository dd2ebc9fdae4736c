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
      add(`api.requests-per-kill.${r.pods}`, `requests per kill, named workload, victims from the watch, ${r.pods} pods in namespace`, '≤ 1',
        r.named.requestsPerKill, r.named.kills > 0 && r.named.requestsPerKill <= 1 && r.named.maxRequestsPerTick <= 1, true);
      // A random pick may land on a Deployment without pods (no kill, no request): its measure is the tick.
      add(`api.requests-per-kill-random.${r.pods}`, `requests per tick, random workload (target 1), victims from the watch, ${r.pods} pods in namespace`, '≤ 1',
        r.random.maxRequestsPerTick, r.random.maxRequestsPerTick <= 1 && !(r.random.requestsPerKill > 1), true);
      const watched = (m) => m.maxRequestsPerTick <= 1 && !(m.requestsPerKill > 1) && m.recoveryMethods.every((method) => method === 'watch');
      if (r.namedRecovered) {
        add(`api.requests-per-kill-recovered.${r.pods}`, `requests per real kill with its recovery, named workload, ${r.pods} pods in namespace`, '≤ 1',
          r.namedRecovered.maxRequestsPerTick, r.namedRecovered.kills > 0 && watched(r.namedRecovered), true);
      }
      if (r.randomRecovered) {
        add(`api.requests-per-kill-recovered-random.${r.pods}`, `requests per tick with its kill's recovery, random workload, ${r.pods} pods in namespace`, '≤ 1',
          r.randomRecovered.maxRequestsPerTick, watched(r.randomRecovered), true);
      }
      add(`api.bytes-per-kill.${r.pods}`, `response bytes per kill, named workload, ${r.pods} pods in namespace (pod object: ${r.podBytes} B)`, `≤ ${2 * r.podBytes}`,
        r.named.bytesPerKill, r.named.bytesPerKill <= 2 * r.podBytes, true);
    }
    const perKill = api.results.map((r) => r.named.bytesPerKill);
    const growth = Math.max(...perKill) / Math.min(...perKill);
    add('api.bytes-independent-of-namespace', `response bytes per kill, ${api.results.map((r) => r.pods).join(' → ')} pods in namespace (max/min)`,
      '≤ 1.05×', Number(growth.toFixed(3)), Number.isFinite(growth) && growth <= 1.05, true);
  }
  const detection = sections.detection;
  if (detection && !detection.skipped) {
    add('detection.p99', `detection latency, server event → stage time, p99 over ${detection.detectionMs.n} events (ms)`, '≤ 20',
      detection.detectionMs.p99, detection.detectionMs.p99 <= 20 && detection.detectionMs.min >= -1, false);
    const worst = Math.max(Math.abs(detection.watchErrorMs.min), Math.abs(detection.watchErrorMs.max));
    add('detection.recovered-vs-truth', `|recoveredMs − truth|, ${detection.readyDelayMs} ms ready delay, worst of ${detection.kills} kills (ms)`, '≤ 50',
      worst, worst <= 50 && detection.methods.length === 1 && detection.methods[0] === 'watch', false);
  }
  const timer = sections.timer;
  if (timer && !timer.skipped) {
    add('timer.p99', `tick lateness p99 at ${timer.intervalMs} ms interval (ms)`, '≤ 10', timer.scheduler.p99, timer.scheduler.p99 <= 10, false);
    add('timer.drift', `end-to-end drift after ${timer.ticks} ticks (ms)`, '≤ 10', timer.scheduler.driftMs, Math.abs(timer.scheduler.driftMs) <= 10, false);
  }
  const memory = sections.memory;
  if (memory && !memory.skipped) {
    add('memory.peak-rss', `peak RSS, ${memory.pods} pods watched (MB)`, '≤ 120', memory.runPeakMB, memory.runPeakMB <= 120, false);
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
