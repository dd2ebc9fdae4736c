import { setMaxListeners } from 'node:events';
import { writeFile } from 'node:fs/promises';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { gzipSync } from 'node:zlib';
import { answerRequest } from './answer.js';
import { versionFilter } from './discovery.js';
import { Faults, type FaultSpec } from './faults.js';
import { simKubeconfigYaml } from './kubeconfig.js';
import type { RouteContext } from './routes.js';
import { sampleCluster } from './sample.js';
import { Simulation, type SimulationOptions } from './simulation.js';
import { HttpError, reasonFor, statusBody } from './status.js';
import type { KubeObject } from './store.js';
import { openWatch } from './watch.js';

export interface FakeApiServerOptions extends SimulationOptions {
  /** Serve this simulation instead of a new one (it is not disposed on close). */
  simulation?: Simulation;
  /** Seed the demo's sample cluster. */
  sample?: boolean;
  host?: string;
  /** Default 0 (a free port). */
  port?: number;
  /** When set, requests must carry `Authorization: Bearer TOKEN` (else 401); the kubeconfig uses it. */
  token?: string;
  /** Added to every request, in real time. */
  latencyMs?: number;
  /** > 0: deleted pods on a node stay Terminating this long (capped by their grace period). Default: the simulation's timing. */
  terminationDelayMs?: number;
  /** Namespace of the kubeconfig context. Default `default`. */
  namespace?: string;
  /**
   * Serve https with this key and certificate; the kubeconfig then carries `ca` (or the cert) as its CA. With
   * `clientCa`, a client certificate signed by it authenticates a request instead of the token.
   */
  tls?: { key: string; cert: string; ca?: string; clientCa?: string };
}

export interface RequestRecord {
  method: string;
  path: string;
  /** The query string without `?`. */
  query: string;
  /** 0 when the request got no answer (hang, reset). */
  status: number;
  bytes: number;
}

export interface FakeApiServer {
  readonly url: string;
  readonly sim: Simulation;
  kubeconfigYaml(options?: { namespace?: string; token?: string }): string;
  writeKubeconfig(path: string, options?: { namespace?: string; token?: string }): Promise<void>;
  requests(): RequestRecord[];
  stats(): { requests: number; bytes: number };
  resetLog(): void;
  /** Injects a fault into the next matching request(s). */
  fail(spec: FaultSpec): void;
  clearFaults(): void;
  setLatency(ms: number): void;
  close(): Promise<void>;
}

const gzipThresholdBytes = 128 * 1024;

export async function startFakeApiServer(options: FakeApiServerOptions = {}): Promise<FakeApiServer> {
  const sim = options.simulation ?? new Simulation(options);
  if (options.sample) sampleCluster(sim);
  const faults = new Faults();
  const log: RequestRecord[] = [];
  let latencyMs = options.latencyMs ?? 0;
  const stopper = new AbortController();
  setMaxListeners(0, stopper.signal);
  const ctx: RouteContext = {
    store: sim.store,
    access: sim.access,
    terminationDelayMs: options.terminationDelayMs ?? sim.timing.terminationDelayMs,
    servesPolicyV1: versionFilter(sim.kubernetesVersion)('policy', 'v1'),
    later: (ms, action) => void sim.clock.sleep(ms, stopper.signal).then(action, () => undefined),
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://localhost');
    const record = (status: number, bytes: number): RequestRecord => {
      const entry = { method, path: url.pathname, query: url.search.slice(1), status, bytes };
      log.push(entry);
      return entry;
    };
    const send = (code: number, body: unknown): void => {
      const text = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
      // Like the real API server: gzip for clients that accept it, from 128 KiB on.
      const gzip = text.length >= gzipThresholdBytes && /\bgzip\b/.test(req.headers['accept-encoding'] ?? '');
      const wire = gzip ? gzipSync(text) : text;
      record(code, wire.length);
      res.writeHead(code, {
        'Content-Type': typeof body === 'string' ? 'text/plain' : 'application/json',
        'Content-Length': wire.length,
        ...(gzip ? { 'Content-Encoding': 'gzip' } : {}),
      });
      res.end(wire);
    };
    const fault = faults.take(method, url.pathname);
    const delay = latencyMs + (fault?.latencyMs ?? 0);
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    if (fault?.reset) {
      record(0, 0);
      req.socket.destroy();
      return;
    }
    if (fault?.hang) {
      record(0, 0);
      return;
    }
    try {
      const raw = await readBody(req);
      if (fault?.status) throw new HttpError(fault.status, fault.reason ?? reasonFor(fault.status), fault.message ?? `injected fault: HTTP ${fault.status}`, fault.details);
      const certified = (req.socket as TLSSocket).authorized === true;
      if (options.token !== undefined && !certified && req.headers.authorization !== `Bearer ${options.token}`) throw new HttpError(401, 'Unauthorized', 'Unauthorized');
      const answer = answerRequest(sim, ctx, { method, url, raw, contentType: req.headers['content-type'] });
      if ('watch' in answer) {
        const target = answer.watch;
        const entry = record(200, 0);
        res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
        // As the API server does: the answer starts at once, so the client knows its watch is registered.
        res.flushHeaders();
        const present = (o: KubeObject): KubeObject => (o.apiVersion === target.apiVersion ? o : { ...o, apiVersion: target.apiVersion });
        const stop = openWatch(sim.store, target, url.searchParams, { write: (line) => void (entry.bytes += Buffer.byteLength(line), res.write(line)), end: () => res.end() }, present, { clock: sim.clock, bookmarkMs: 1_000 });
        res.on('close', stop);
        return;
      }
      send(answer.code, answer.body);
    } catch (error) {
      if (error instanceof HttpError) send(error.code, error.toStatus());
      else send(500, statusBody(500, 'InternalError', `simulator error: ${error instanceof Error ? error.message : String(error)}`));
    }
  };

  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    handle(req, res).catch(() => res.destroy());
  };
  const tls = options.tls;
  const clientCerts = tls?.clientCa ? { ca: tls.clientCa, requestCert: true, rejectUnauthorized: false } : {};
  const server: Server = tls ? createHttpsServer({ key: tls.key, cert: tls.cert, ...clientCerts }, listener) : createHttpServer(listener);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host ?? '127.0.0.1';
  const url = `${options.tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const kubeconfigYaml = (o: { namespace?: string; token?: string } = {}): string =>
    simKubeconfigYaml({
      server: url,
      token: o.token ?? options.token ?? 'sim-token',
      namespace: o.namespace ?? options.namespace ?? 'default',
      ...(options.tls ? { caPem: options.tls.ca ?? options.tls.cert } : {}),
    });

  return {
    url,
    sim,
    kubeconfigYaml,
    writeKubeconfig: (path, o) => writeFile(path, kubeconfigYaml(o), { mode: 0o600 }),
    requests: () => log.map((r) => ({ ...r })),
    stats: () => ({ requests: log.length, bytes: log.reduce((sum, r) => sum + r.bytes, 0) }),
    resetLog: () => void log.splice(0),
    fail: (spec) => faults.add(spec),
    clearFaults: () => faults.clear(),
    setLatency: (ms) => void (latencyMs = ms),
    close: () =>
      new Promise<void>((resolve) => {
        stopper.abort(new Error('fake API server closed'));
        if (!options.simulation) sim.dispose();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
