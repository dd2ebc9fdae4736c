import { directConnection, type Connection } from './connection.js';
import type { Env, KubeConfigOptions, ResolvedKubeConfig } from './kubeconfig.js';
import { loadKubeConfig } from './kubeconfig.js';
import type { Cluster } from './types.js';

/**
 * The product's entry to Kubernetes. It speaks JSON over HTTP(S) itself and loads @kubernetes/client-node (about
 * 300 ms and 30 MB more per run) only for kubeconfigs that need it: exec plugins, auth providers, proxy-url, `as`.
 */

export interface ClusterOptions extends KubeConfigOptions {
  /** Timeout of each HTTP request. Default 10 s. */
  requestTimeoutMs?: number | undefined;
  /** Retries after the first attempt (429, 5xx, transient network errors). Default 3. */
  retries?: number | undefined;
  /** First backoff delay, doubling up to `maxTimeoutMs`. Defaults 200 ms and 2 s; tests use 0. */
  minTimeoutMs?: number | undefined;
  maxTimeoutMs?: number | undefined;
  /** Called before each retry, e.g. to log a `retry` kill-log entry. */
  onRetry?: ((operation: string, attempt: number, message: string) => void) | undefined;
  /** `limit` of each list page. Default 500. */
  pageSize?: number | undefined;
  /** `client-node`: let client-node apply every kubeconfig (default `auto`: only those our own code cannot). */
  credentials?: 'auto' | 'client-node' | undefined;
}

const defaults = { requestTimeoutMs: 10_000, pageSize: 500, retries: 3, minTimeoutMs: 200, maxTimeoutMs: 2_000 };

export async function createCluster(options: ClusterOptions): Promise<Cluster> {
  const resolved = loadKubeConfig(options);
  const connection = await connect(resolved, options.credentials ?? 'auto', options.env);
  const { createKubeCluster } = await import('./cluster.js');
  return createKubeCluster(resolved, connection, {
    requestTimeoutMs: options.requestTimeoutMs ?? defaults.requestTimeoutMs,
    pageSize: options.pageSize ?? defaults.pageSize,
    retry: {
      retries: options.retries ?? defaults.retries,
      minTimeoutMs: options.minTimeoutMs ?? defaults.minTimeoutMs,
      maxTimeoutMs: options.maxTimeoutMs ?? defaults.maxTimeoutMs,
      onRetry: options.onRetry,
    },
  });
}

async function connect(resolved: ResolvedKubeConfig, credentials: 'auto' | 'client-node', env: Env): Promise<Connection> {
  const direct = credentials === 'auto' ? directConnection(resolved, { env }) : undefined;
  if (direct) return direct;
  const { clientNodeConnection } = await import('./client-node-connection.js');
  return clientNodeConnection(resolved, env);
}

export { loadKubeConfig, type KubeConfigOptions, type ResolvedKubeConfig } from './kubeconfig.js';
export { selectorToString, parseSelectorString, matchesSelector } from './selector.js';
export type * from './types.js';
