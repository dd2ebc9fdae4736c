import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const launcher = fileURLToPath(new URL('../fake-server.mjs', import.meta.url));

/**
 * Starts bench/fake-server.mjs (the loopback fake API server from dist/sim) in its own process, so its CPU and memory
 * are not counted in the process being measured. Talks to it over IPC: seed on start, then requests / reset / close.
 * `spec`: { latencyMs?, namespaces: [{ name, deployments?: [{ name, replicas }], looseWorkloads?, loosePods? }] }.
 */
export async function startFakeServerProcess(spec) {
  const child = fork(launcher, [], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  let nextId = 0;
  const pending = new Map();
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  child.on('message', (message) => {
    const waiter = pending.get(message.id);
    if (!waiter) return;
    pending.delete(message.id);
    if (message.error) waiter.reject(new Error(`fake server: ${message.error}`));
    else waiter.resolve(message.result);
  });
  void exited.then(({ code, signal }) => {
    for (const waiter of pending.values()) waiter.reject(new Error(`fake server exited ${code ?? signal}: ${stderr.trim().split('\n').slice(-3).join(' / ')}`));
    pending.clear();
  });
  const ask = (type, payload) =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      child.send({ id, type, payload });
    });
  let started;
  try {
    started = await ask('start', spec);
  } catch (error) {
    child.kill();
    await exited;
    throw error;
  }
  const { url, kubeconfigPath, kubeconfigYaml } = started;
  return {
    url,
    kubeconfigPath,
    kubeconfigYaml,
    pid: child.pid,
    /** Request log summary since the last reset: { count, bytes, byRoute: { 'GET pods': n, … } }. */
    requests: () => ask('requests'),
    resetLog: () => ask('reset'),
    setLatency: (ms) => ask('latency', ms),
    podCount: (namespace) => ask('pods', namespace),
    /** Start noting when each pod and Deployment change is emitted; `events()` returns them ({ t, type, resource, … }). */
    recordEvents: () => ask('record-events'),
    events: () => ask('events'),
    podBytes: (namespace) => ask('pod-bytes', namespace),
    close: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        await ask('close').catch(() => {});
      }
      await exited;
    },
  };
}
