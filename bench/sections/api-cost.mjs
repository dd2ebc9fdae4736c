import { createBiter, killsIn } from '../lib/biter.mjs';
import { startFakeServerProcess } from '../lib/fake-server-process.mjs';
import { median, round } from '../lib/stats.mjs';

export const namespaceSizes = [10, 1_000, 10_000];
const workloads = 100;
const victimReplicas = 5;

/**
 * Requests and response bytes per kill tick as the namespace grows around a workload of constant size: `victim`
 * (5 pods) among 100 Deployments, the other pods spread over the 99 others. Counts come from the fake server's log.
 * A second cookie picks a random Deployment each tick (a LIST of the 100 workloads instead of one GET).
 */
export async function runApiCost({ quick, log }) {
  const ticks = quick ? 4 : 20;
  const results = [];
  for (const pods of namespaceSizes) {
    const server = await startFakeServerProcess(namespaceSpec(pods));
    try {
      const named = await measureCookie(server, { name: 'victim', kind: 'deployment', namespace: 'bench', target: 1 }, ticks);
      const random = await measureCookie(server, { name: '', kind: 'deployment', namespace: 'bench', target: 1 }, ticks);
      results.push({ pods, workloads, victimPods: victimReplicas, named, random });
      log(`api-cost: ${pods} pods done`);
    } finally {
      await server.close();
    }
  }
  return {
    ticks,
    results,
    rows: results.flatMap((r) => [row(r.pods, 'victim (named)', r.named, true), row(r.pods, 'random deployment', r.random, false)]),
  };
}

export const apiCostHeader = ['pods in ns', 'cookie', 'ticks', 'kills', 'workload pods', 'requests/kill', 'max requests/tick', 'response bytes/kill', 'response bytes/tick'];

const orDash = (value) => (Number.isFinite(value) ? value : '—');
// A random pick often lands on a workload without pods in a small namespace (a tick with no kill): per tick is its measure.
const row = (pods, name, m, perKill) =>
  [pods, name, m.ticks, m.kills, orDash(m.workloadPods), perKill ? orDash(m.requestsPerKill) : '—', m.maxRequestsPerTick,
    perKill ? orDash(m.bytesPerKill) : '—', m.bytesPerTick];

/** 100 Deployments: `victim` with 5 pods, 99 others sharing the rest of the namespace's pods. */
export function namespaceSpec(pods) {
  const others = workloads - 1;
  const rest = Math.max(0, pods - victimReplicas);
  const each = Math.floor(rest / others);
  const deployments = [{ name: 'victim', replicas: victimReplicas }];
  for (let i = 1; i <= others; i++) deployments.push({ name: `app-${String(i).padStart(3, '0')}`, replicas: each });
  return { namespaces: [{ name: 'bench', deployments, loosePods: rest - each * others }] };
}

async function measureCookie(server, cookieFile, ticks) {
  // Dry run sends the same DELETE (with dryRun=All) and leaves the pods in place, so every tick sees the same namespace.
  const biter = await createBiter({ kubeconfigYaml: server.kubeconfigYaml, cookieFile, options: { dryRun: true } });
  await biter.bite(0); // warm-up: connection set-up and anything a first call does once
  let kills = 0;
  let requests = 0;
  let bytes = 0;
  let maxRequestsPerTick = 0;
  const byRoute = {};
  const workloadPods = [];
  for (let n = 1; n <= ticks; n++) {
    await server.resetLog();
    const entries = await biter.bite(n);
    kills += killsIn(entries);
    for (const e of entries) if (e.kind === 'bite') workloadPods.push(e.desired);
    const seen = await server.requests();
    requests += seen.count;
    bytes += seen.bytes;
    maxRequestsPerTick = Math.max(maxRequestsPerTick, seen.count);
    for (const [route, count] of Object.entries(seen.byRoute)) byRoute[route] = (byRoute[route] ?? 0) + count;
  }
  return {
    ticks,
    kills,
    requests,
    bytes,
    maxRequestsPerTick,
    workloadPods: median(workloadPods),
    requestsPerKill: kills ? round(requests / kills) : Number.NaN,
    bytesPerKill: kills ? Math.round(bytes / kills) : Number.NaN,
    bytesPerTick: Math.round(bytes / ticks),
    byRoute,
  };
}
