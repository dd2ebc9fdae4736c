import { afterEach, beforeEach } from 'vitest';
import { createCluster, type ClusterOptions } from '../../src/kube/index.js';
import type { Cluster } from '../../src/kube/types.js';
import { startFakeApiServer, type FakeApiServer, type FakeApiServerOptions } from '../../src/sim/index.js';

/**
 * The loopback fake API server for tests: controllers off unless asked, and a real client (createCluster) wired to
 * it with zero backoff so retries are fast.
 */
export interface TestApiServer extends FakeApiServer {
  /** A real Cluster talking to this server over HTTP. */
  connect(overrides?: Partial<ClusterOptions>): Promise<Cluster>;
}

/** How the tests' clients authenticate: our own transport, or client-node's (exec plugins, auth providers). */
export const credentialModes = ['auto', 'client-node'] as const;

export async function startTestApiServer(options: FakeApiServerOptions = {}, connectDefaults: Partial<ClusterOptions> = {}): Promise<TestApiServer> {
  const server = await startFakeApiServer({ controllers: false, ...options });
  return Object.assign(server, {
    connect: (overrides: Partial<ClusterOptions> = {}) =>
      createCluster({
        kubeconfigYaml: server.kubeconfigYaml(),
        env: {},
        retries: 3,
        minTimeoutMs: 0,
        maxTimeoutMs: 0,
        requestTimeoutMs: 2_000,
        ...connectDefaults,
        ...overrides,
      }),
  });
}

/** Starts a fresh server before each test and closes it after: `const api = useFakeApiServer(); … api.server`. */
export function useFakeApiServer(
  options: FakeApiServerOptions | (() => FakeApiServerOptions) = {},
  connectDefaults: Partial<ClusterOptions> = {},
): { readonly server: TestApiServer } {
  let current: TestApiServer | undefined;
  beforeEach(async () => {
    current = await startTestApiServer(typeof options === 'function' ? options() : options, connectDefaults);
  });
  afterEach(async () => {
    await current?.close();
    current = undefined;
  });
  return {
    get server(): TestApiServer {
      if (!current) throw new Error('useFakeApiServer: the server only exists inside a test');
      return current;
    },
  };
}
