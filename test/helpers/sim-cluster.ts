import { loadKubeConfig } from '../../src/kube/index.js';
import { createKubeCluster } from '../../src/kube/cluster.js';
import { ApiStatusError, type Rest } from '../../src/kube/rest.js';
import type { Cluster } from '../../src/kube/types.js';
import { answerRequest } from '../../src/sim/answer.js';
import { versionFilter } from '../../src/sim/discovery.js';
import { simKubeconfigYaml } from '../../src/sim/kubeconfig.js';
import type { RouteContext } from '../../src/sim/routes.js';
import type { Simulation } from '../../src/sim/simulation.js';
import { HttpError } from '../../src/sim/status.js';

/**
 * The product's real Cluster (src/kube: paths, mapping, eviction fallback, error mapping, retries) over the
 * simulation without sockets: each request travels `latencyMs()` on the simulation clock, is answered by the same
 * code as the fake API server's, and its answer travels `latencyMs()` back. With a fake clock the whole exchange is
 * driven by `clock.advance`, so hundreds of simulated seconds of chaos run in well under a second.
 */
export function simCluster(sim: Simulation, { latencyMs = () => 0 }: { latencyMs?: () => number } = {}): Cluster {
  const server = 'http://sim.in-process';
  const resolved = loadKubeConfig({ kubeconfigYaml: simKubeconfigYaml({ server, token: 'sim-token', namespace: 'default' }), env: {} });
  const connection = { server, prepare: () => Promise.reject(new Error('the in-process cluster opens no connection')) };
  const settings = { requestTimeoutMs: 60_000, pageSize: 500, retry: { retries: 0, minTimeoutMs: 0, maxTimeoutMs: 0 } };
  return createKubeCluster(resolved, connection, settings, inProcessRest(sim, latencyMs));
}

function inProcessRest(sim: Simulation, latencyMs: () => number): Rest {
  const ctx: RouteContext = {
    store: sim.store,
    access: sim.access,
    terminationDelayMs: sim.timing.terminationDelayMs,
    servesPolicyV1: versionFilter(sim.kubernetesVersion)('policy', 'v1'),
    later: sim.later,
  };
  // A fake clock wakes even a 0 ms sleep only when advanced: no latency means no sleep at all.
  const travel = async (signal: AbortSignal): Promise<void> => {
    const ms = latencyMs();
    if (ms > 0) await sim.clock.sleep(ms, signal);
  };
  return async <T>({ method, path, query, body, signal }: Parameters<Rest>[0]): Promise<T> => {
    await travel(signal);
    const url = new URL(path, 'http://sim.in-process');
    for (const [key, value] of Object.entries(query ?? {})) if (value !== undefined && value !== '') url.searchParams.set(key, String(value));
    let code: number;
    let answer: unknown;
    try {
      const result = answerRequest(sim, ctx, { method, url, raw: body === undefined ? '' : JSON.stringify(body), contentType: 'application/json' });
      if ('watch' in result) throw new HttpError(400, 'BadRequest', 'the in-process cluster does not stream watches');
      ({ code, body: answer } = result);
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      code = error.code;
      answer = error.toStatus();
    }
    const text = JSON.stringify(answer);
    await travel(signal);
    if (code < 200 || code > 299) throw new ApiStatusError(code, text);
    return JSON.parse(text) as T;
  };
}
