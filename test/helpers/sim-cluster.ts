import { loadKubeConfig } from '../../src/kube/index.js';
import { createKubeCluster } from '../../src/kube/cluster.js';
import { ApiStatusError, type Rest } from '../../src/kube/rest.js';
import type { RestStream } from '../../src/kube/rest-stream.js';
import type { Cluster } from '../../src/kube/types.js';
import { answerRequest } from '../../src/sim/answer.js';
import { versionFilter } from '../../src/sim/discovery.js';
import { simKubeconfigYaml } from '../../src/sim/kubeconfig.js';
import type { RouteContext } from '../../src/sim/routes.js';
import type { KubeObject } from '../../src/sim/store.js';
import type { Simulation } from '../../src/sim/simulation.js';
import { HttpError } from '../../src/sim/status.js';
import { openWatch } from '../../src/sim/watch.js';

/**
 * The product's real Cluster (src/kube: paths, mapping, eviction fallback, error mapping, retries) over the
 * simulation without sockets: each request travels `latencyMs()` on the simulation clock, is answered by the same
 * code as the fake API server's, and its answer travels `latencyMs()` back. With a fake clock the whole exchange is
 * driven by `clock.advance`, so hundreds of simulated seconds of chaos run in well under a second. Watches stream the
 * simulator's events (bookmarks every `bookmarkMs` of the simulation clock); `watch: false` leaves a Cluster that
 * cannot watch.
 */
export function simCluster(
  sim: Simulation,
  { latencyMs = () => 0, watch = true, bookmarkMs = 1_000 }: { latencyMs?: () => number; watch?: boolean; bookmarkMs?: number } = {},
): Cluster {
  const server = 'http://sim.in-process';
  const resolved = loadKubeConfig({ kubeconfigYaml: simKubeconfigYaml({ server, token: 'sim-token', namespace: 'default' }), env: {} });
  const connection = { server, prepare: () => Promise.reject(new Error('the in-process cluster opens no connection')) };
  const settings = { requestTimeoutMs: 60_000, pageSize: 500, retry: { retries: 0, minTimeoutMs: 0, maxTimeoutMs: 0 } };
  const cluster = createKubeCluster(resolved, connection, settings, inProcessRest(sim, latencyMs), inProcessStream(sim, bookmarkMs));
  if (!watch) {
    delete cluster.watchPods;
    delete cluster.watchWorkload;
    delete cluster.watchWorkloads;
  }
  return cluster;
}

/** The simulator's watch as lines, without sockets; errors answer as the HTTP server's would. */
function inProcessStream(sim: Simulation, bookmarkMs: number): RestStream {
  return async function* ({ path, query, signal, onOpen }) {
    const url = new URL(path, 'http://sim.in-process');
    for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== '') url.searchParams.set(key, value);
    const lines: string[] = [];
    let ended = false;
    let wake: (() => void) | undefined;
    const nudge = (): void => {
      wake?.();
      wake = undefined;
    };
    let stop = (): void => undefined;
    try {
      const answer = answerRequest(sim, routeContext(sim), { method: 'GET', url, raw: '', contentType: undefined });
      if (!('watch' in answer)) throw new HttpError(400, 'BadRequest', 'not a watch');
      const target = answer.watch;
      const present = (o: KubeObject): KubeObject => (o.apiVersion === target.apiVersion ? o : { ...o, apiVersion: target.apiVersion });
      const sink = { write: (line: string) => void (lines.push(line.trimEnd()), nudge()), end: () => void ((ended = true), nudge()) };
      stop = openWatch(sim.store, target, url.searchParams, sink, present, { clock: sim.clock, bookmarkMs });
      onOpen?.();
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      throw new ApiStatusError(error.code, JSON.stringify(error.toStatus()));
    }
    const onAbort = (): void => nudge();
    signal.addEventListener('abort', onAbort);
    try {
      for (;;) {
        while (lines.length > 0) yield lines.shift() as string;
        if (ended) return;
        signal.throwIfAborted();
        await new Promise<void>((resolve) => (wake = resolve));
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
      stop();
    }
  };
}

function routeContext(sim: Simulation): RouteContext {
  return {
    store: sim.store,
    access: sim.access,
    terminationDelayMs: sim.timing.terminationDelayMs,
    servesPolicyV1: versionFilter(sim.kubernetesVersion)('policy', 'v1'),
    later: sim.later,
  };
}

function inProcessRest(sim: Simulation, latencyMs: () => number): Rest {
  const ctx = routeContext(sim);
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
