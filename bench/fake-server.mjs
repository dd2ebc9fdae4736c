// The loopback fake API server (dist/sim) in a process of its own, driven over IPC by lib/fake-server-process.mjs.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importDist } from './lib/dist.mjs';

const { startFakeApiServer } = await importDist('sim/index.js');
let server;
let dir;

/**
 * Seeds a spec: { latencyMs?, controllers?: { replaceDelayMs, readyDelayMs }, nodes?: [name], namespaces: [{ name,
 * deployments?: [{ name, replicas }], loosePods? }] }. Controllers are off unless asked (the pods then stay as seeded);
 * pods on a node stay Terminating for a while when deleted, as on a kubelet.
 */
async function start(spec) {
  server = await startFakeApiServer({ latencyMs: spec.latencyMs ?? 0, namespace: spec.namespaces[0]?.name ?? 'default', controllers: spec.controllers ?? false });
  for (const node of spec.nodes ?? []) server.sim.addNode(node);
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

/** Wall-clock time with sub-millisecond precision, comparable across processes of this machine. */
const wallNow = () => performance.timeOrigin + performance.now();

let recorded;
let stopRecording = () => undefined;

/**
 * From now on, notes when the server emitted each change of a pod or a Deployment (the moment its watchers are told),
 * with what a recovery stage depends on: the pod's uid, Ready and Terminating; the Deployment's available count.
 */
function recordEvents() {
  recorded = [];
  stopRecording();
  stopRecording = server.sim.store.on((type, resource, object) => {
    const t = wallNow();
    if (resource === 'pods') {
      const ready = (object.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
      recorded.push({ t, type, resource, uid: object.metadata.uid, name: object.metadata.name, ready, deleting: object.metadata.deletionTimestamp !== undefined });
    } else if (resource === 'deployments') {
      recorded.push({ t, type, resource, name: object.metadata.name, available: object.status?.availableReplicas ?? 0 });
    }
  });
}

const handlers = {
  start,
  'record-events': recordEvents,
  events: () => recorded ?? [],
  /** Bytes of one pod object as the server answers it (a DELETE returns the pod). */
  'pod-bytes': (namespace) => Buffer.byteLength(JSON.stringify(server.sim.pods(namespace)[0])),
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
