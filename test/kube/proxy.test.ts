import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { isCookieError } from '../../src/errors.js';
import { isRetryable } from '../../src/kube/errors.js';
import { createCluster } from '../../src/kube/index.js';
import { proxyFor } from '../../src/kube/proxy.js';
import { execPluginUser } from '../helpers/exec-plugin.js';
import { credentialModes, startTestApiServer, type TestApiServer } from '../helpers/fake-apiserver.js';
import { failure } from '../helpers/failures.js';
import { makeTestPki } from '../helpers/pki.js';

describe('proxyFor: HTTPS_PROXY and NO_PROXY as kubectl reads them', () => {
  const server = 'https://api.prod.example.com:6443';
  it.each([
    [{ HTTPS_PROXY: 'http://proxy:3128' }, server, 'http://proxy:3128/'],
    [{ https_proxy: 'proxy:3128' }, server, 'http://proxy:3128/'],
    [{ HTTPS_PROXY: 'https://u:p%40ss@proxy:443' }, server, 'https://u:p%40ss@proxy/'],
    [{ HTTP_PROXY: 'http://proxy:3128' }, server, undefined],
    [{ HTTPS_PROXY: 'http://proxy:3128' }, 'http://api.prod.example.com:8080', undefined],
    [{ HTTPS_PROXY: 'http://proxy:3128' }, 'https://localhost:6443', undefined],
    [{ HTTPS_PROXY: 'http://proxy:3128' }, 'https://127.0.0.1:6443', undefined],
    [{ HTTPS_PROXY: 'http://proxy:3128' }, 'https://[::1]:6443', undefined],
    [{ HTTPS_PROXY: 'http://proxy:3128', NO_PROXY: '*' }, server, undefined],
    [{ HTTPS_PROXY: 'http://proxy:3128', NO_PROXY: 'other.com, example.com' }, server, undefined],
    [{ HTTPS_PROXY: 'http://proxy:3128', NO_PROXY: '.prod.example.com' }, server, undefined],
    [{ HTTPS_PROXY: 'http://proxy:3128', NO_PROXY: '.api.prod.example.com' }, server, 'http://proxy:3128/'],
    [{ HTTPS_PROXY: 'http://proxy:3128', NO_PROXY: 'xample.com' }, server, 'http://proxy:3128/'],
    [{ HTTPS_PROXY: 'http://proxy:3128', no_proxy: 'api.prod.example.com:6443' }, server, undefined],
    [{ HTTPS_PROXY: 'http://proxy:3128', NO_PROXY: 'api.prod.example.com:443' }, server, 'http://proxy:3128/'],
    [{ HTTPS_PROXY: 'http://proxy:3128', NO_PROXY: '10.0.0.0/8' }, 'https://10.20.30.40:6443', undefined],
    [{ HTTPS_PROXY: 'http://proxy:3128', NO_PROXY: '10.0.0.0/8' }, 'https://11.0.0.1:6443', 'http://proxy:3128/'],
    [{ HTTPS_PROXY: 'http://proxy:3128', NO_PROXY: '10.20.30.40' }, 'https://10.20.30.40', undefined],
    [{ HTTPS_PROXY: 'http://proxy:3128', NO_PROXY: 'fd00::/8' }, 'https://[fd12::1]:6443', undefined],
    [{ HTTPS_PROXY: 'http://proxy:3128', NO_PROXY: 'fd00::/8' }, 'https://[fe80::1]:6443', 'http://proxy:3128/'],
  ])('%j for %s → %s', (env, target, expected) => {
    expect(proxyFor(target, env)?.href).toBe(expected);
  });

  it('a SOCKS proxy in $HTTPS_PROXY is a config error that points at proxy-url', () => {
    let error: unknown;
    try {
      proxyFor(server, { HTTPS_PROXY: 'socks5://proxy:1080' });
    } catch (e) {
      error = e;
    }
    expect(isCookieError(error) && error.code).toBe('config-invalid');
    expect(String((error as Error).message)).toBe('$HTTPS_PROXY: expected an http:// or https:// proxy, got socks5:// (use proxy-url in the kubeconfig for SOCKS)');
  });
});

/** A CONNECT proxy that resolves `kube.test` to loopback itself, optionally wants credentials, and logs tunnels. */
async function startProxy(credentials?: string): Promise<{ url: string; tunnels: string[]; close(): Promise<void> }> {
  const tunnels: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((_req, res) => res.writeHead(405).end());
  server.on('connect', (req: IncomingMessage, client: Socket) => {
    sockets.add(client);
    const wanted = credentials ? `Basic ${Buffer.from(credentials).toString('base64')}` : undefined;
    if (wanted && req.headers['proxy-authorization'] !== wanted) {
      client.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic\r\n\r\n');
      return;
    }
    tunnels.push(req.url ?? '');
    const [host, port] = (req.url ?? '').split(':');
    const upstream = connect(Number(port), host === 'kube.test' ? '127.0.0.1' : (host ?? ''), () => {
      client.write('HTTP/1.1 200 Connection established\r\n\r\n');
      upstream.pipe(client).pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    tunnels,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describe.each(credentialModes)('through a CONNECT proxy (%s credentials)', (credentials) => {
  let dir: string;
  let api: TestApiServer;
  let kubeconfig: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kcm-proxy-'));
    const pki = makeTestPki(dir, 'DNS:kube.test');
    api = await startTestApiServer({ token: 'right-token', tls: { key: pki.pem('serverKey'), cert: pki.pem('serverCert') } });
    const user = credentials === 'client-node' ? execPluginUser(dir, 'right-token') : { token: 'right-token' };
    kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(
      kubeconfig,
      stringify({
        clusters: [{ name: 'c', cluster: { server: `https://kube.test:${new URL(api.url).port}`, 'certificate-authority': pki.files.ca } }],
        users: [{ name: 'u', user }],
        contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }],
        'current-context': 'x',
      }),
    );
  });
  afterAll(async () => {
    await api?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const connectVia = (env: Record<string, string>) => createCluster({ kubeconfig, env, retries: 0, credentials });

  it('tunnels to the API server by name, with TLS checked end to end inside the tunnel', async () => {
    const proxy = await startProxy();
    try {
      const cluster = await connectVia({ HTTPS_PROXY: proxy.url });
      expect(await cluster.version()).toBe('v1.29.0');
      api.sim.addPods('tunnelled', 3, { app: 'web' });
      for (let i = 0; i < 3; i++) expect(await cluster.listPods('tunnelled', { matchLabels: { app: 'web' } })).toHaveLength(3);
      // Keep-alive: every request after the first reuses the one tunnel.
      expect(proxy.tunnels).toEqual([`kube.test:${new URL(api.url).port}`]);
    } finally {
      await proxy.close();
    }
  });

  it('sends the credentials of the proxy URL; without them the 407 is named, not retried', async () => {
    const proxy = await startProxy('ci:s3cr3t');
    try {
      const authed = proxy.url.replace('http://', 'http://ci:s3cr3t@');
      expect(await (await connectVia({ HTTPS_PROXY: authed })).version()).toBe('v1.29.0');
      const error = await failure((await connectVia({ HTTPS_PROXY: proxy.url })).version());
      expect(error.code).toBe('cluster-unreachable');
      expect(error.message).toBe(
        `cannot reach the Kubernetes API server at https://kube.test:${new URL(api.url).port} through the proxy ${proxy.url} ($HTTPS_PROXY): it answered HTTP 407 to CONNECT kube.test:${new URL(api.url).port}, during get version`,
      );
      expect(error.hint).toContain('http://user:password@proxy:port');
      expect(isRetryable(error)).toBe(false);
    } finally {
      await proxy.close();
    }
  });

  it('NO_PROXY sends it direct: kube.test then has no address of its own', async () => {
    const proxy = await startProxy();
    try {
      const error = await failure((await connectVia({ HTTPS_PROXY: proxy.url, NO_PROXY: 'kube.test' })).version());
      expect(error.message).toMatch(/host not found \(ENOTFOUND\)|EAI_AGAIN/);
      expect(proxy.tunnels).toEqual([]);
    } finally {
      await proxy.close();
    }
  });

  it('a proxy that is down is named as the proxy, and retried like any refused connection', async () => {
    const proxy = await startProxy();
    await proxy.close();
    const error = await failure((await connectVia({ HTTPS_PROXY: proxy.url })).version());
    expect(error.message).toContain(`through the proxy ${proxy.url} ($HTTPS_PROXY): cannot reach it (connection refused)`);
    expect(isRetryable(error)).toBe(true);
  });
});
