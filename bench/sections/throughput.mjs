import { performance } from 'node:perf_hooks';
import { createBiter, killsIn } from '../lib/biter.mjs';
import { startFakeServerProcess } from '../lib/fake-server-process.mjs';
import { median, round } from '../lib/stats.mjs';

const victimPods = 200;

/**
 * Kills per second of one tick with `target` 1, 10 and 100 against a fake API server that answers every request
 * after `latencyMs`, so the number shows how well DELETEs are pipelined (bounded by `concurrency`), not loopback speed.
 */
export async function runThroughput({ quick, log, latencyMs = 5 }) {
  const ticks = quick ? 2 : 10;
  const cases = [
    { target: 1, concurrency: 10 },
    { target: 10, concurrency: 10 },
    { target: 100, concurrency: 10 },
    { target: 100, concurrency: 1 },
  ];
  const server = await startFakeServerProcess({
    latencyMs,
    namespaces: [{ name: 'bench', deployments: [{ name: 'victim', replicas: victimPods }] }],
  });
  const results = [];
  try {
    for (const { target, concurrency } of cases) {
      const biter = await createBiter({
        kubeconfigYaml: server.kubeconfigYaml,
        cookieFile: { name: 'victim', kind: 'deployment', namespace: 'bench', target },
        options: { dryRun: true, concurrency },
      });
      await biter.bite(0); // sets up the watches
      const tickMs = [];
      let kills = 0;
      try {
        for (let n = 1; n <= ticks; n++) {
          const started = performance.now();
          const done = killsIn(await biter.bite(n));
          tickMs.push(performance.now() - started);
          if (done !== target) throw new Error(`target ${target}: tick ${n} killed ${done}`);
          kills += done;
        }
      } finally {
        biter.close();
      }
      const ms = median(tickMs);
      results.push({ target, concurrency, ticks, kills, tickMs: round(ms), killsPerSecond: round((target / ms) * 1000),
        // Victims come from the watch: a tick is its DELETEs, one after another, or `concurrency` at a time.
        serialFloorMs: target * latencyMs, pipelinedFloorMs: Math.ceil(target / concurrency) * latencyMs });
      log(`throughput: target ${target} × concurrency ${concurrency} done`);
    }
  } finally {
    await server.close();
  }
  return {
    latencyMs,
    victimPods,
    results,
    rows: results.map((r) => [r.target, r.concurrency, r.tickMs, r.pipelinedFloorMs, r.serialFloorMs, r.killsPerSecond]),
  };
}

export const throughputHeader = ['target', 'concurrency', 'tick ms (median)', 'floor ms at this concurrency', 'floor ms one at a time', 'kills/s'];
