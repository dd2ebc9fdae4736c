import { createBiter, killsIn, recoveryMethodsIn } from '../lib/biter.mjs';
import { startFakeServerProcess } from '../lib/fake-server-process.mjs';
import { round } from '../lib/stats.mjs';

export const namespaceSizes = [10, 1_000, 10_000];
const workloads = 100;
const victimReplicas = 5;

/**
 * Requests and response bytes per kill tick as the namespace grows around a workload of constant size: `victim`
 * (5 pods) among 100 Deployments, the other pods spread over the 99 others. Counts come from the fake server's log.
 * Each cookie runs twice in the same run: picking victims from watches (as a run does; the first tick sets them up,
 * counted apart as set-up) and by GET and LIST on every tick (a Cluster that cannot watch, and the tool before).
 * A second cookie picks a random Deployment each tick (its set-up watches every Deployment and pod of the namespace).
 * Both then kill for real, each tick followed until its kill has recovered (controllers replace the pod): what a kill
 * costs with its recovery, which is judged from the same watches.
 */
export async function runApiCost({ quick, log }) {
  const ticks = quick ? 4 : 20;
  const recoveredTicks = quick ? 3 : 10;
  const results = [];
  for (const pods of namespaceSizes) {
    const server = await startFakeServerProcess(namespaceSpec(pods));
    try {
      const podBytes = await server.podBytes('bench');
      const measure = (name, watch, recover = false) =>
        measureCookie(server, { name, kind: 'deployment', namespace: 'bench', target: 1 }, recover ? recoveredTicks : ticks, { watch, recover });
      const named = await measure('victim', true);
      const namedPolled = await measure('victim', false);
      const random = await measure('', true);
      const randomPolled = await measure('', false);
      const namedRecovered = await measure('victim', true, true);
      const randomRecovered = await measure('', true, true);
      results.push({ pods, workloads, victimPods: victimReplicas, podBytes, named, namedPolled, random, randomPolled, namedRecovered, randomRecovered });
      log(`api-cost: ${pods} pods done`);
    } finally {
      await server.close();
    }
  }
  return {
    ticks,
    results,
    rows: results.flatMap((r) => [
      row(r.pods, 'victim (named), watched', r.named),
      row(r.pods, 'victim (named), GET + LIST', r.namedPolled),
      row(r.pods, 'random deployment, watched', r.random),
      row(r.pods, 'random deployment, LIST + LIST', r.randomPolled),
      row(r.pods, 'victim (named), watched, real kills + recovery', r.namedRecovered),
      row(r.pods, 'random deployment, watched, real kills + recovery', r.randomRecovered),
    ]),
  };
}

export const apiCostHeader = ['pods in ns', 'cookie, victims from', 'kills', 'requests/kill', 'max requests/tick', 'response bytes/kill', 'set-up requests', 'set-up bytes'];

const orDash = (value) => (Number.isFinite(value) ? value : '—');
const row = (pods, name, m) =>
  [pods, name, m.kills, orDash(m.requestsPerKill), m.maxRequestsPerTick, orDash(m.bytesPerKill), m.setup.requests, m.setup.bytes];

/** 100 Deployments: `victim` with 5 pods, 99 others sharing the rest of the namespace's pods. */
export function namespaceSpec(pods) {
  const others = workloads - 1;
  const rest = Math.max(0, pods - victimReplicas);
  const each = Math.floor(rest / others);
  const deployments = [{ name: 'victim', replicas: victimReplicas }];
  for (let i = 1; i <= others; i++) deployments.push({ name: `app-${String(i).padStart(3, '0')}`, replicas: each });
  // Controllers replace a killed pod (Ready 100 ms later); dry runs leave the pods as they are.
  return { controllers: { replaceDelayMs: 10, readyDelayMs: 100 }, namespaces: [{ name: 'bench', deployments, loosePods: rest - each * others }] };
}

async function measureCookie(server, cookieFile, ticks, { watch, recover }) {
  // Dry run sends the same DELETE (with dryRun=All) and leaves the pods in place, so every tick sees the same namespace.
  const biter = await createBiter({ kubeconfigYaml: server.kubeconfigYaml, cookieFile, options: { dryRun: !recover }, watch, recover });
  try {
    await server.resetLog();
    // Set-up: connection, and with `watch` the LISTs and WATCHes the cookie keeps; then a tick like any other.
    await biter.bite(0);
    const setup = await server.requests();
    let kills = 0;
    const methods = new Set(recoveryMethodsIn(biter.log.entries()));
    let requests = 0;
    let bytes = 0;
    let maxRequestsPerTick = 0;
    const byRoute = {};
    for (let n = 1; n <= ticks; n++) {
      await server.resetLog();
      const written = await biter.bite(n);
      kills += killsIn(written);
      for (const method of recoveryMethodsIn(written)) methods.add(method);
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
      requestsPerKill: kills ? round(requests / kills) : Number.NaN,
      bytesPerKill: kills ? Math.round(bytes / kills) : Number.NaN,
      setup: { requests: setup.count, bytes: setup.bytes, byRoute: setup.byRoute },
      byRoute,
      ...(recover ? { recoveryMethods: [...methods] } : {}),
    };
  } finally {
    biter.close();
  }
}
