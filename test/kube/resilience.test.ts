import { getEventListeners } from 'node:events';
import { createServer as createHttpServer } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { isRetryable } from '../../src/kube/errors.js';
import { createCluster } from '../../src/kube/index.js';
import type { Cluster } from '../../src/kube/types.js';
import { on } from '../../src/sim/index.js';
import { credentialModes, useFakeApiServer } from '../helpers/fake-apiserver.js';
import { failure } from '../helpers/failures.js';

describe.each(credentialModes)('over %s credentials', (credentials) => {
  const api = useFakeApiServer({}, { credentials });
  const listPodsPath = /\/namespaces\/app\/pods$/;

  function seed(): void {
    api.server.sim.addPods('app', 2, { app: 'web' });
  }

  describe('retries', () => {
    it.each([500, 503, 429])('HTTP %i is retried with backoff until it succeeds, and each retry is reported', async (status) => {
      seed();
      const retries: [string, number, string][] = [];
      const cluster = await api.server.connect({ onRetry: (op, attempt, message) => retries.push([op, attempt, message]) });
      api.server.fail({ match: on('GET', listPodsPath), status, times: 2 });
      const pods = await cluster.listPods('app', { matchLabels: { app: 'web' } });
      expect(pods).toHaveLength(2);
      expect(api.server.requests().map((r) => r.status)).toEqual([status, status, 200]);
      expect(retries.map(([op, attempt]) => [op, attempt])).toEqual([
        ['list pods in namespace "app"', 1],
        ['list pods in namespace "app"', 2],
      ]);
      expect(retries[0]?.[2]).toContain(String(status));
    });

    it('gives up after `retries` and reports the last error', async () => {
      const cluster = await api.server.connect({ retries: 2 });
      api.server.fail({ status: 500, times: Infinity, message: 'etcdserver: leader changed' });
      const error = await failure(cluster.listPods('app', {}));
      expect(error.code).toBe('server-error');
      expect(error.message).toBe(`server error: the API server at ${api.server.url} answered HTTP 500 to list pods in namespace "app": etcdserver: leader changed`);
      expect(api.server.requests()).toHaveLength(3);
    });

    it.each([
      [400, 'invalid-request'],
      [401, 'unauthorized'],
      [403, 'forbidden'],
      [404, 'not-found'],
      [409, 'conflict'],
      [422, 'invalid-request'],
    ])('HTTP %i is not retried: exactly one request (%s)', async (status, code) => {
      const cluster = await api.server.connect();
      api.server.fail({ status, times: Infinity });
      const error = await failure(cluster.deletePod({ namespace: 'app', name: 'web-0', uid: 'u' }));
      expect(error.code).toBe(code);
      expect(api.server.requests()).toHaveLength(1);
    });

    it('a connection reset is retried', async () => {
      seed();
      const messages: string[] = [];
      const cluster = await api.server.connect({ onRetry: (_op, _attempt, message) => messages.push(message) });
      api.server.fail({ match: on('GET', listPodsPath), reset: true });
      expect(await cluster.listPods('app', {})).toHaveLength(2);
      expect(api.server.requests().map((r) => r.status)).toEqual([0, 200]);
      expect(messages).toHaveLength(1);
      expect(messages[0]).toMatch(/cannot reach the Kubernetes API server at .*: connection reset \(ECONNRESET\)/);
    });

    it('a refused connection is cluster-unreachable, naming the server', async () => {
      const port = await closedPort();
      const yaml = api.server.kubeconfigYaml().replace(api.server.url, `http://127.0.0.1:${port}`);
      const cluster = await createCluster({ kubeconfigYaml: yaml, env: {}, retries: 1, minTimeoutMs: 0, credentials });
      const error = await failure(cluster.version());
      expect(error.code).toBe('cluster-unreachable');
      expect(error.message).toBe(`cannot reach the Kubernetes API server at http://127.0.0.1:${port}: connection refused (ECONNREFUSED) during get version`);
      expect(error.message).not.toContain('localhost:8080');
    });

    it('a server that answers 200 with a web page is named as not an API server, and not retried', async () => {
      const web = createHttpServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end('<!doctype html><title>Dashboard</title>');
      });
      await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve));
      const url = `http://127.0.0.1:${(web.address() as AddressInfo).port}`;
      try {
        const cluster = await createCluster({ kubeconfigYaml: api.server.kubeconfigYaml().replace(api.server.url, url), env: {}, retries: 3, minTimeoutMs: 0, credentials });
        const error = await failure(cluster.version());
        expect(error.code).toBe('cluster-unreachable');
        expect(error.message).toBe(`the server at ${url} answered get version with text/html instead of JSON: is the kubeconfig's server a Kubernetes API server?`);
        expect(isRetryable(error)).toBe(false);
      } finally {
        await new Promise((resolve) => web.close(resolve));
      }
    });
  });

  describe('403 from RBAC', () => {
    it('names the verb, resource and namespace the identity lacks', async () => {
      seed();
      api.server.sim.forbid({ verb: 'delete', resource: 'pods', namespace: 'app' });
      const cluster = await api.server.connect();
      const [pod] = await cluster.listPods('app', {});
      const error = await failure(cluster.deletePod(pod!));
      expect(error.code).toBe('forbidden');
      expect(error.message).toBe('forbidden: cannot delete pods in namespace "app"');
      expect(error.hint).toContain('kubectl auth can-i delete pods -n app');
      expect(error.details['identity']).toBe('system:serviceaccount:cookiemonster:cookiemonster');
      expect(api.server.requests().filter((r) => r.method === 'DELETE')).toHaveLength(1);
    });
  });

  describe('timeouts and cancellation', () => {
    it('a server that never answers a GET gives a timeout error once every retry has timed out', async () => {
      const retries: string[] = [];
      const cluster = await api.server.connect({ requestTimeoutMs: 100, retries: 2, onRetry: (_op, _attempt, message) => retries.push(message) });
      api.server.fail({ hang: true, times: Infinity });
      const error = await failure(cluster.getWorkload({ kind: 'deployment', namespace: 'app', name: 'x' }));
      expect(error.code).toBe('timeout');
      expect(error.message).toBe(`timeout: the API server at ${api.server.url} did not answer get deployments "x" in namespace "app" within 100 ms`);
      expect(api.server.requests()).toHaveLength(3);
      expect(retries).toEqual([error.message, error.message]);
    });

    it.each([
      ['GET', () => /\/deployments\/web$/, (c: Cluster) => c.getWorkload({ kind: 'deployment', namespace: 'app', name: 'web' })],
      ['LIST', () => listPodsPath, (c: Cluster) => c.listPods('app', {})],
    ])('a timed-out %s is retried like a network error and then succeeds', async (_verb, path, call) => {
      seed();
      api.server.sim.addDeployment({ namespace: 'app', name: 'web', replicas: 2 });
      const cluster = await api.server.connect({ requestTimeoutMs: 100 });
      api.server.fail({ match: on('GET', path()), hang: true });
      expect(await call(cluster)).toBeTruthy();
      expect(api.server.requests().filter((r) => path().test(r.path)).map((r) => r.status)).toEqual([0, 200]);
    });

    it.each([
      ['DELETE', () => ({ match: on('DELETE', /\/pods\/web-0$/), hang: true }), (c: Cluster) => c.deletePod({ namespace: 'app', name: 'web-0', uid: 'u' })],
      ['POST eviction', () => ({ match: on('POST', /\/eviction$/), hang: true }), (c: Cluster) => c.evictPod({ namespace: 'app', name: 'web-0', uid: 'u' })],
    ])('a timed-out %s is not retried: it may have happened', async (_verb, fault, call) => {
      const cluster = await api.server.connect({ requestTimeoutMs: 100 });
      api.server.fail(fault());
      const error = await failure(call(cluster));
      expect(error.code).toBe('timeout');
      expect(api.server.requests()).toHaveLength(1);
    });

    it('a request timeout longer than setTimeout can wait (600h) does not cut a slow answer short', async () => {
      seed();
      const cluster = await api.server.connect({ requestTimeoutMs: 600 * 3_600_000, retries: 0 });
      api.server.fail({ match: on('GET', listPodsPath), latencyMs: 50 });
      expect(await cluster.listPods('app', {})).toHaveLength(2);
    });

    it('aborting the signal cancels a request in flight and leaves no listener behind', async () => {
      const cluster = await api.server.connect({ requestTimeoutMs: 5_000 });
      api.server.fail({ hang: true });
      const controller = new AbortController();
      const started = Date.now();
      setTimeout(() => controller.abort(new Error('SIGINT')), 100);
      const error = await failure(cluster.listPods('app', {}, { signal: controller.signal }));
      expect(error.code).toBe('cancelled');
      expect(Date.now() - started).toBeLessThan(1_000);
      expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    });

    it('aborting during the retry backoff cancels at once', async () => {
      const cluster = await api.server.connect({ minTimeoutMs: 10_000, maxTimeoutMs: 10_000 });
      api.server.fail({ status: 503, times: Infinity });
      const controller = new AbortController();
      setTimeout(() => controller.abort(new Error('stop')), 100);
      const started = Date.now();
      const error = await failure(cluster.version({ signal: controller.signal }));
      expect(error.code).toBe('cancelled');
      expect(Date.now() - started).toBeLessThan(1_000);
      expect(api.server.requests()).toHaveLength(1);
    });

    it('an already aborted signal sends nothing', async () => {
      const cluster = await api.server.connect();
      const error = await failure(cluster.listNodes({ signal: AbortSignal.abort(new Error('early')) }));
      expect(error.code).toBe('cancelled');
      expect(api.server.requests()).toHaveLength(0);
    });

    it('a successful call leaves no abort listener on the caller signal', async () => {
      seed();
      const cluster = await api.server.connect();
      const controller = new AbortController();
      await cluster.listPods('app', {}, { signal: controller.signal });
      await cluster.version({ signal: controller.signal });
      expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    });
  });

  function closedPort(): Promise<number> {
    return new Promise((resolve, reject) => {
      const server = createServer();
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        const port = typeof address === 'object' && address ? address.port : 0;
        server.close(() => resolve(port));
      });
      server.on('error', reject);
    });
  }
});
