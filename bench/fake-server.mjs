// The loopback fake API server (dist/sim) in a process of its own, driven over IPC by lib/fake-server-process.mjs.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importDist } from './lib/dist.mjs';

const { startFakeApiServer } = await importDist('sim/index.js');
let server;
let dir;

/** Seeds a spec: { latencyMs?, namespaces: [{ name, deployments?: [{ name, replicas }], loosePods? }] }. */
async function start(spec) {
  server = await startFakeApiServer({ latencyMs: spec.latencyMs ?? 0, namespace: spec.namespaces[0]?.name ?? 'default' });
  for (const ns of spec.namespaces) {
    server.sim.addNamespace(ns.name);
    for (const d of ns.deployments ?? []) server.sim.addDeployment({ namespace: ns.name, name: d.name, replicas: d.replicas });
    if (ns.loosePods) server.sim.addPods(ns.name, ns.loosePods, { app: 'loose' }, { prefix: 'loose' });
  }
  dir = await mkdtemp(join(tmpdir(), 'kcm-bench-server-'));
  const kubeconfigPath = join(dir, 'kubeconfig');
  await server.writeKubeconfig(kubeconfigPath);
  return { url: server.url, kubeconfigPath, kubeconfigYaml: server.kubeconfigYaml() };
}

/** "GET pods", "DELETE pods/NAME", "GET deployments/NAME", "GET /api" (discovery): what a kill costs, by route. */
export function routeOf({ method, path }) {
  const parts = path.split('/').filter(Boolean);
  const ns = parts.indexOf('namespaces');
  if (ns === -1 || parts.length <= ns + 2) return `${method} ${path}`;
  const rest = parts.slice(ns + 2);
  return `${method} ${rest[0]}${rest.length > 1 ? `/NAME${rest.slice(2).map((p) => `/${p}`).join('')}` : ''}`;
}

function summary() {
  const log = server.requests();
  const byRoute = {};
  for (const r of log) byRoute[routeOf(r)] = (byRoute[routeOf(r)] ?? 0) + 1;
  return { count: log.length, bytes: log.reduce((sum, r) => sum + r.bytes, 0), byRoute };
}

const handlers = {
  start,
  requests: summary,
  reset: () => server.resetLog(),
  latency: (ms) => server.setLatency(ms),
  pods: (namespace) => server.sim.pods(namespace).length,
  close: async () => {
    await server?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
    setImmediate(() => process.disconnect());
  },
};

process.on('message', async ({ id, type, payload }) => {
  try {
    const result = await handlers[type](payload);
    process.send({ id, result: result ?? null });
  } catch (error) {
    process.send({ id, error: error instanceof Error ? error.message : String(error) });
  }
});
