import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seededRng } from '../../src/core/rng.js';
import type { Simulation } from '../../src/sim/index.js';
import { startTestApiServer, type TestApiServer } from '../helpers/fake-apiserver.js';
import type { Cluster } from '../../src/kube/types.js';
import { createServer, type CookieServer, type ServerDeps } from '../../src/server/server.js';

/** A cookies.d tree in a temp dir: `{ 'killpod/a.json': {...} }`. */
export async function cookieDir(files: Record<string, unknown>): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'kcm-cookies-'));
  for (const [path, content] of Object.entries(files)) {
    await mkdir(join(root, path, '..'), { recursive: true });
    await writeFile(join(root, path), typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  }
  return root;
}

export interface Harness {
  server: CookieServer;
  url: string;
  lines: string[];
  get(path: string, init?: RequestInit): Promise<{ status: number; text: string; headers: Headers }>;
  close(): Promise<void>;
}

/** Starts the REST server on 127.0.0.1:0 with a seeded RNG and records its log lines. */
export async function startHarness(cluster: Cluster, cookieRoot: string, deps: Partial<ServerDeps> = {}, host = '127.0.0.1'): Promise<Harness> {
  const lines: string[] = [];
  const server = createServer({ cluster, cookieRoot, rng: seededRng(7), recoveryPollMs: 20, recoveryTimeoutMs: 500, log: (line) => lines.push(line), ...deps });
  const url = await server.listen(0, host);
  return {
    server,
    url,
    lines,
    async get(path, init) {
      const res = await fetch(`${url}${path}`, init);
      return { status: res.status, text: await res.text(), headers: res.headers };
    },
    close: () => server.close(),
  };
}

export const fastKillpod = (extra: Record<string, unknown> = {}) => ({
  name: 'keystone',
  kind: 'deployment',
  namespace: 'openstack',
  target: 1,
  interval: '50ms',
  slack: false,
  ...extra,
});

/** The loopback fake API server (controllers off unless asked) seeded by `seed`, and a real Cluster talking to it. */
export async function startApi(seed: (sim: Simulation) => void = () => {}, controllers?: { replaceDelayMs: number; readyDelayMs: number }): Promise<{ api: TestApiServer; cluster: Cluster; close(): Promise<void> }> {
  const api = await startTestApiServer(controllers ? { controllers } : {});
  seed(api.sim);
  return { api, cluster: await api.connect(), close: api.close };
}

/** Pods of a namespace in the simulation, by name. */
/** Pods not being deleted: a killed pod bound to a node stays Terminating a while, as in a real cluster. */
export const podNames = (sim: Simulation, namespace: string): string[] => sim.pods(namespace).filter((p) => !p.metadata.deletionTimestamp).map((p) => p.metadata.name);
