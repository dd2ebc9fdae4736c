import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NodeExecRunner } from '../core/chaos.js';
import { systemClock, type Clock } from '../core/clock.js';
import type { BiteOptions } from '../core/cookies/context.js';
import { randomSeed, seededRng, type Rng } from '../core/rng.js';
import { CookieError } from '../errors.js';
import { defaults } from '../options/defaults.js';
import { printable } from '../printable.js';
import type { Cluster } from '../kube/types.js';
import type { LogEntry } from '../log/entries.js';
import { formatEntry, legacyTimestamp, type LogFormat } from '../log/format.js';
import type { NotificationSettings } from '../notify/index.js';
import { isLoopbackHost, tokenMatches } from './auth.js';
import { openCookieCatalog } from '../config/catalog.js';
import { HttpError, sendJsonError, sendText, toHttpError } from './http-io.js';
import { createJobRegistry, type Job, type JobRegistry } from './jobs.js';
import { createMetrics } from './metrics.js';
import type { ProbeSpec } from '../probes/index.js';
import { reading, type Route } from './route.js';
import { answersJson, resolveRoute, routeSegments } from './router.js';

export interface ServerDeps {
  cluster: Cluster;
  clock?: Clock | undefined;
  /** Seeds every job's own generator; each job's seed is in its log, so its victims can be replayed. */
  rng?: Rng | undefined;
  /** A cookies.d directory or a config.yaml; read again on every request. */
  cookieRoot: string | undefined;
  cwd?: string | undefined;
  bite?: Partial<BiteOptions> | undefined;
  nodeExec?: NodeExecRunner | undefined;
  /** Probes every job runs (`serve --probes`): steady state before, samples during (abort on breach), after. */
  probes?: readonly ProbeSpec[] | undefined;
  /** Bearer token for every route that changes state. Required when listening on a non-loopback address. */
  token?: string | undefined;
  /** Where server log lines go (the CLI: stderr); never receives the token. */
  log?: ((line: string) => void) | undefined;
  logFormat?: LogFormat | undefined;
  notifications?: NotificationSettings | undefined;
  killLogDir?: string | undefined;
  maxRecoveryMs?: number | undefined;
  recoveryTimeoutMs?: number | undefined;
  recoveryPollMs?: number | undefined;
  historyLimit?: number | undefined;
}

export interface CookieServer {
  /** Resolves with the URL once listening. Port 0 picks a free one. */
  listen(port?: number, host?: string): Promise<string>;
  /** Stops every job (unrecovered kills are logged as such), flushes kill logs and notifications, then closes. */
  close(): Promise<void>;
  readonly url: string | undefined;
  readonly jobs: JobRegistry;
}

const defaultBite: BiteOptions = { dryRun: false, mode: 'delete', gracePeriodSeconds: undefined, allowKubeSystem: false, concurrency: 10, self: undefined };

/** The REST server of `cookiemonster serve`: the original routes, generation 2's /api/v1, our JSON /api/v2, metrics. */
export function createServer(deps: ServerDeps): CookieServer {
  const clock = deps.clock ?? systemClock;
  const write = deps.log ?? (() => {});
  const format = deps.logFormat ?? 'legacy';
  const say = (line: string): void => write(`${legacyTimestamp(clock.now())} ${line}`);
  const metrics = createMetrics();
  const bite: BiteOptions = { ...defaultBite, ...deps.bite };
  const jobs = createJobRegistry({
    cluster: deps.cluster,
    clock,
    rng: deps.rng ?? seededRng(randomSeed()),
    bite,
    nodeExec: deps.nodeExec,
    probes: deps.probes,
    cwd: deps.cwd,
    recoveryTimeoutMs: deps.recoveryTimeoutMs ?? deps.maxRecoveryMs ?? defaults.recoveryTimeoutMs,
    recoveryPollMs: deps.recoveryPollMs,
    maxRecoveryMs: deps.maxRecoveryMs,
    notifications: deps.notifications,
    killLogDir: deps.killLogDir,
    historyLimit: deps.historyLimit,
    onEntry: (job, entry) => {
      metrics.observe(entry);
      const line = renderEntry(job, entry, format);
      if (line !== undefined) write(format === 'json' ? line : `${legacyTimestamp(entry.at)} ${line}`);
    },
    onProblem: say,
  });
  const cookies = openCookieCatalog(deps.cookieRoot, deps.cwd ?? process.cwd());
  const ownRoutes = new Map<string, Route>([
    ['healthz', reading(({ res }) => sendText(res, 200, 'ok'))],
    ['metrics', reading(({ res }) => sendText(res, 200, metrics.render(jobs.running().length), 'text/plain; version=0.0.4; charset=utf-8'))],
  ]);
  let url: string | undefined;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    // Origin-form ("/path") is read as a path even when it starts with "//", which a relative URL would take for a host.
    const target = req.url ?? '/';
    const requestUrl = target.startsWith('/') ? new URL(`http://localhost${target}`) : new URL(target, 'http://localhost');
    const path = requestUrl.pathname;
    let json = false;
    try {
      const segments = routeSegments(path);
      json = answersJson(segments);
      const route = (segments.length === 1 ? ownRoutes.get(segments[0] ?? '') : undefined) ?? resolveRoute(req.method ?? 'GET', segments);
      if (!route) throw new HttpError(404, 'not-found', `no route ${path}`, 'routes: /list, /show, /start, /stop, /status, /api/v1/..., /api/v2/jobs, /healthz, /metrics');
      if (deps.token !== undefined && route.changesState && !tokenMatches(deps.token, req.headers.authorization)) {
        throw new HttpError(401, 'unauthorized', `unauthorized: ${req.method} ${path} changes state and needs the header "Authorization: Bearer <token>"`, 'the token is the one given to `cookiemonster serve` (--token-file or $KCM_SERVER_TOKEN)');
      }
      await route.handle({ req, res, url: requestUrl, segments, jobs, cookies, clock, server: deps.cluster.server, ceiling: bite, say });
    } catch (error) {
      const failure = escaped(toHttpError(error), json);
      if (failure.status >= 500) say(`${req.method} ${path}: ${printable(failure.message)}`);
      const headers: Record<string, string> = failure.status === 401 ? { 'www-authenticate': 'Bearer' } : {};
      if (res.headersSent) res.destroy();
      else if (json) sendJsonError(res, failure, headers);
      else {
        for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
        sendText(res, failure.status, failure.message);
      }
    }
  };

  const http = createHttpServer((req, res) => void handle(req, res));

  return {
    jobs,
    get url() {
      return url;
    },
    async listen(port = 8080, host = '127.0.0.1') {
      if (deps.token === undefined && !isLoopbackHost(host)) {
        throw new CookieError('usage', `--host ${host} is not a loopback address: a bearer token is required to serve there`, {
          hint: 'give --token-file FILE or set $KCM_SERVER_TOKEN (in the cluster: the Secret cookiemonster-token, see deploy/server.yaml)',
        });
      }
      await new Promise<void>((resolve, reject) => {
        const onError = (error: NodeJS.ErrnoException): void => {
          reject(new CookieError('usage', `cannot listen on ${host}:${port}: ${error.code ?? error.message}`, { cause: error, hint: error.code === 'EADDRINUSE' ? 'pick another --port' : undefined }));
        };
        http.once('error', onError);
        http.listen(port, host, () => {
          http.off('error', onError);
          resolve();
        });
      });
      const address = http.address() as AddressInfo;
      url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
      return url;
    },
    async close() {
      await jobs.shutdown();
      http.closeIdleConnections();
      await new Promise<void>((resolve) => {
        http.close(() => resolve());
        setTimeout(() => http.closeAllConnections(), 1000).unref();
      });
    },
  };
}


/** The error with every control character it quotes escaped; plain-text answers keep the original's line breaks. */
function escaped(error: HttpError, json: boolean): HttpError {
  const message = json ? printable(error.message) : error.message.split('\n').map(printable).join('\n');
  return new HttpError(error.status, error.code, message, error.hint === undefined ? undefined : printable(error.hint));
}

function renderEntry(job: Job, entry: LogEntry, format: LogFormat): string | undefined {
  if (format === 'json') return JSON.stringify({ job: job.id, ...entry, time: new Date(entry.at).toISOString() });
  const line = formatEntry(entry, format);
  if (line === undefined || format === 'legacy') return line;
  return `[${job.id}] ${line}`;
}
