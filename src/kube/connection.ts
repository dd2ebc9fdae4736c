import { readFileSync, statSync } from 'node:fs';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent, type AgentOptions } from 'node:https';
import { isAbsolute, join } from 'node:path';
import { CookieError } from '../errors.js';
import type { Env, KubeConfigEntry, ResolvedKubeConfig } from './kubeconfig.js';
import { proxyFor, TunnelAgent } from './proxy.js';

/**
 * How requests reach the API server: the agent (TLS, keep-alive) and the headers of each request. Built here from the
 * kubeconfig without @kubernetes/client-node for the common credentials (token, token file, client certificate,
 * basic auth, in-cluster service account), through $HTTPS_PROXY when it applies (proxy.ts); `directConnection`
 * returns undefined for what only client-node implements (exec plugins, auth providers, proxy-url, impersonation),
 * and client-node-connection.ts takes over.
 */
export interface Connection {
  readonly server: string;
  /** Asked before every request: tokens may be rotated or expire while the run goes on. */
  prepare(): Promise<PreparedRequest>;
}

export interface PreparedRequest {
  agent: HttpAgent;
  headers: Record<string, string>;
}

export const plainHttpError = (server: string): CookieError =>
  new CookieError('config-invalid', `kubeconfig: the server ${server} is plain http, which needs insecure-skip-tls-verify: true in its cluster entry`);

const clusterFields = new Set(['server', 'certificate-authority', 'certificate-authority-data', 'insecure-skip-tls-verify', 'tls-server-name', 'disable-compression', 'extensions']);
const userFields = new Set(['token', 'tokenFile', 'client-certificate', 'client-certificate-data', 'client-key', 'client-key-data', 'username', 'password', 'extensions']);

/** Token files (service-account tokens are rotated) are read again after this long, as client-go does. */
export const tokenFileMaxAgeMs = 60_000;

export interface ConnectionEnvironment {
  /** For HTTPS_PROXY and NO_PROXY. */
  env?: Env | undefined;
  /** For the age of a token file's content. */
  now?: (() => number) | undefined;
}

export function directConnection(resolved: ResolvedKubeConfig, { env = {}, now = Date.now }: ConnectionEnvironment = {}): Connection | undefined {
  if (resolved.inCluster) {
    const { server, caFile, tokenFile } = resolved.inCluster;
    const ca = readFileFor(caFile, 'the in-cluster service account CA');
    return connection(server, { ca }, bearerFromFile(tokenFile, now), env);
  }
  const cluster = resolved.cluster?.fields ?? {};
  const user = resolved.user?.fields ?? {};
  if (Object.keys(cluster).some((k) => !clusterFields.has(k)) || Object.keys(user).some((k) => !userFields.has(k))) return undefined;

  const where = `kubeconfig context "${resolved.context}"`;
  const insecure = cluster['insecure-skip-tls-verify'] === true;
  if (resolved.server.startsWith('http:') && !insecure) throw plainHttpError(resolved.server);
  const tls: AgentOptions = { rejectUnauthorized: !insecure };
  const ca = material(resolved.cluster, 'certificate-authority', where);
  if (ca) tls.ca = ca;
  const serverName = cluster['tls-server-name'];
  if (typeof serverName === 'string' && serverName) tls.servername = serverName;
  const cert = material(resolved.user, 'client-certificate', where);
  const key = material(resolved.user, 'client-key', where);
  if ((cert === undefined) !== (key === undefined)) {
    const missing = cert ? 'client-key(-data)' : 'client-certificate(-data)';
    throw new CookieError('config-invalid', `${where}: user has ${cert ? 'a client certificate' : 'a client key'} but no ${missing}: expected both or neither`);
  }
  if (cert && key) Object.assign(tls, { cert, key });

  const token = user['token'];
  const tokenFile = user['tokenFile'];
  const username = user['username'];
  let headers: () => Promise<Record<string, string>> = async () => ({});
  if (typeof token === 'string' && token) headers = async () => ({ authorization: `Bearer ${token}` });
  else if (typeof tokenFile === 'string' && tokenFile) headers = bearerFromFile(pathOf(resolved.user, tokenFile), now);
  else if (typeof username === 'string' && username) {
    const basic = `Basic ${Buffer.from(`${username}:${String(user['password'] ?? '')}`).toString('base64')}`;
    headers = async () => ({ authorization: basic });
  }
  return connection(resolved.server, tls, headers, env);
}

function connection(server: string, tls: AgentOptions, headers: () => Promise<Record<string, string>>, env: Env): Connection {
  const agent = server.startsWith('https:') ? httpsAgent(tls, proxyFor(server, env)) : new HttpAgent({ keepAlive: true });
  return { server, prepare: async () => ({ agent, headers: await headers() }) };
}

/** Keep-alive TLS, through a CONNECT tunnel when a proxy applies (see proxyFor). */
export function httpsAgent(tls: AgentOptions, proxy: URL | undefined): HttpsAgent {
  return proxy ? new TunnelAgent(proxy, { ...tls, keepAlive: true }) : new HttpsAgent({ ...tls, keepAlive: true });
}

/** `<name>-data` (base64) or `<name>` (a file, relative to its kubeconfig), as PEM bytes. */
function material(entry: KubeConfigEntry | undefined, name: string, where: string): Buffer | undefined {
  const data = entry?.fields[`${name}-data`];
  if (typeof data === 'string' && data) return Buffer.from(data, 'base64');
  const file = entry?.fields[name];
  if (typeof file === 'string' && file) return readFileFor(pathOf(entry, file), `${where}: ${name}`);
  return undefined;
}

function pathOf(entry: KubeConfigEntry | undefined, file: string): string {
  return isAbsolute(file) || !entry?.dir ? file : join(entry.dir, file);
}

/** The file's bytes, or a config error naming `what` needed it. */
function readFileFor(file: string, what: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new CookieError('config-invalid', `${what}: expected a readable file, got ${file} (${code})`, { cause: error });
  }
}

function bearerFromFile(file: string, now: () => number): () => Promise<Record<string, string>> {
  let cached: { token: string; readAt: number; mtimeMs: number | undefined } | undefined;
  return async () => {
    const at = now();
    const mtimeMs = statSync(file, { throwIfNoEntry: false })?.mtimeMs;
    if (!cached || at - cached.readAt >= tokenFileMaxAgeMs || mtimeMs !== cached.mtimeMs) {
      cached = { token: readFileFor(file, 'token file').toString('utf8').trim(), readAt: at, mtimeMs };
    }
    return { authorization: `Bearer ${cached.token}` };
  };
}
