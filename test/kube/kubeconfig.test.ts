import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCluster, loadKubeConfig } from '../../src/kube/index.js';
import { serviceAccountDir } from '../../src/kube/kubeconfig.js';
import { simKubeconfigYaml } from '../../src/sim/index.js';
import { startTestApiServer, type TestApiServer } from '../helpers/fake-apiserver.js';
import { caught } from '../helpers/failures.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kcm-kubeconfig-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});


const write = (name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

const twoContexts = (server: string, token: string, first: string, second: string): string =>
  [
    'apiVersion: v1',
    'kind: Config',
    `current-context: ${first}`,
    'clusters:',
    `- name: ${first}`,
    `  cluster: { server: "${server}", insecure-skip-tls-verify: true }`,
    `- name: ${second}`,
    `  cluster: { server: "${server}", insecure-skip-tls-verify: true }`,
    'users:',
    `- name: ${first}`,
    `  user: { token: ${token} }`,
    `- name: ${second}`,
    `  user: { token: ${token} }`,
    'contexts:',
    `- name: ${first}`,
    `  context: { cluster: ${first}, user: ${first}, namespace: ns-${first} }`,
    `- name: ${second}`,
    `  context: { cluster: ${second}, user: ${second}, namespace: ns-${second} }`,
  ].join('\n');

describe('loadKubeConfig: where the kubeconfig comes from', () => {
  it('with nothing configured, fails with kubeconfig-missing and never targets localhost:8080', async () => {
    const error = caught(() => loadKubeConfig({ env: { HOME: dir }, cwd: dir, inClusterPathPrefix: dir }));
    expect(error.code).toBe('kubeconfig-missing');
    expect(error.message).toBe('no kubeconfig found: tried --kubeconfig, $KUBECONFIG, ~/.kube/config and the in-cluster service account');
    expect(error.hint).toBe('pass --kubeconfig FILE, or run `cookiemonster demo` to try it on a built-in simulated cluster');
    await expect(createCluster({ env: {}, cwd: dir, inClusterPathPrefix: dir })).rejects.toMatchObject({ code: 'kubeconfig-missing' });
  });

  it('--kubeconfig naming a missing file says which file', () => {
    const error = caught(() => loadKubeConfig({ kubeconfig: 'nope.yaml', env: {}, cwd: dir }));
    expect(error.code).toBe('kubeconfig-missing');
    expect(error.message).toContain('--kubeconfig nope.yaml: no such file');
  });

  it('--kubeconfig wins over $KUBECONFIG and ~/.kube/config, relative to cwd', () => {
    write('flag.yaml', simKubeconfigYaml({ server: 'http://flag:1', token: 't', namespace: 'from-flag' }));
    const other = write('env.yaml', simKubeconfigYaml({ server: 'http://env:1', token: 't', namespace: 'from-env' }));
    const resolved = loadKubeConfig({ kubeconfig: 'flag.yaml', env: { KUBECONFIG: other, HOME: dir }, cwd: dir });
    expect(resolved).toMatchObject({ origin: '--kubeconfig', server: 'http://flag:1', namespace: 'from-flag' });
  });

  it('~/.kube/config comes from HOME in the env passed in', () => {
    mkdirSync(join(dir, '.kube'));
    write('.kube/config', simKubeconfigYaml({ server: 'http://home:1', token: 't', namespace: 'home' }));
    expect(loadKubeConfig({ env: { HOME: dir }, cwd: '/' })).toMatchObject({ origin: '~/.kube/config', server: 'http://home:1' });
  });

  it('$KUBECONFIG naming only missing files fails instead of falling back to another cluster', () => {
    mkdirSync(join(dir, '.kube'));
    write('.kube/config', simKubeconfigYaml({ server: 'http://home:1', token: 't', namespace: 'home' }));
    const error = caught(() => loadKubeConfig({ env: { KUBECONFIG: join(dir, 'a.yaml'), HOME: dir }, cwd: dir }));
    expect(error.code).toBe('kubeconfig-missing');
    expect(error.message).toContain('a.yaml');
  });

  it('context and cluster names quoted in an error have their control characters escaped', () => {
    const name = 'al\u001b[2Jpha';
    const file = write('hostile.yaml', JSON.stringify({
      apiVersion: 'v1', kind: 'Config', 'current-context': name,
      clusters: [{ name, cluster: { server: 'http://x:1' } }],
      users: [{ name, user: { token: 't' } }],
      contexts: [{ name, context: { cluster: name, user: name } }, { name: 'beta', context: { cluster: name, user: name } }],
    }));
    const error = caught(() => loadKubeConfig({ kubeconfig: file, context: 'gam\u009bma', env: {} }));
    expect(error.message).toContain('context "gam\\u009bma" not found (available: al\\u001b[2Jpha, beta)');
    expect(error.message).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
  });

  it('an unknown --context lists the available ones', () => {
    const file = write('two.yaml', twoContexts('http://x:1', 't', 'alpha', 'beta'));
    const error = caught(() => loadKubeConfig({ kubeconfig: file, context: 'gamma', env: {} }));
    expect(error.code).toBe('kubeconfig-missing');
    expect(error.message).toContain('context "gamma" not found (available: alpha, beta)');
  });

  it('broken YAML and a context without its cluster are config errors naming the file', () => {
    const broken = write('broken.yaml', 'clusters: [unclosed');
    expect(caught(() => loadKubeConfig({ kubeconfig: broken, env: {} }))).toMatchObject({ code: 'config-invalid' });
    expect(caught(() => loadKubeConfig({ kubeconfig: broken, env: {} })).message).toContain(broken);
    const dangling = write('dangling.yaml', 'current-context: a\ncontexts:\n- name: a\n  context: { cluster: gone, user: u }\nusers:\n- name: u\n  user: {}\n');
    expect(caught(() => loadKubeConfig({ kubeconfig: dangling, env: {} })).message).toContain('uses cluster "gone"');
  });
});

describe('createCluster against the fake API server', () => {
  let api: TestApiServer;
  beforeEach(async () => {
    api = await startTestApiServer({ token: 'right-token' });
    api.sim.addNamespace('ns-alpha');
    api.sim.addNamespace('ns-beta');
  });
  afterEach(() => api.close());

  it('--context picks the context: its namespace and its user', async () => {
    const file = write('two.yaml', twoContexts(api.url, 'right-token', 'alpha', 'beta'));
    const cluster = await createCluster({ kubeconfig: file, context: 'beta', env: {}, retries: 0 });
    expect(cluster.defaultNamespace).toBe('ns-beta');
    expect(cluster.server).toBe(api.url);
    expect(await cluster.version()).toBe('v1.29.0');
  });

  it('merges two $KUBECONFIG files like kubectl: the first file wins names and current-context', async () => {
    const first = write('first.yaml', simKubeconfigYaml({ server: api.url, token: 'right-token', namespace: 'ns-alpha', name: 'shared' }));
    // The second file redefines "shared" with a wrong token (ignored) and adds "extra" with the right one.
    const second = write('second.yaml', simKubeconfigYaml({ server: api.url, token: 'wrong-token', namespace: 'ignored', name: 'shared' }));
    const third = write('third.yaml', simKubeconfigYaml({ server: api.url, token: 'right-token', namespace: 'ns-beta', name: 'extra' }));
    const env = { KUBECONFIG: [first, second, join(dir, 'missing.yaml'), third].join(':') };
    const resolved = loadKubeConfig({ env });
    expect(resolved).toMatchObject({ origin: '$KUBECONFIG', context: 'shared', namespace: 'ns-alpha' });
    expect(resolved.documents.map((d) => d.path)).toEqual([first, second, third]);
    expect(await (await createCluster({ env, retries: 0 })).version()).toBe('v1.29.0');
    const extra = await createCluster({ env, context: 'extra', retries: 0 });
    expect(extra.defaultNamespace).toBe('ns-beta');
    expect(await extra.version()).toBe('v1.29.0');
  });

  it('a wrong token gives unauthorized, naming the server', async () => {
    const file = write('bad.yaml', simKubeconfigYaml({ server: api.url, token: 'wrong', namespace: 'default' }));
    const cluster = await createCluster({ kubeconfig: file, env: {}, retries: 0 });
    await expect(cluster.listPods('default', {})).rejects.toMatchObject({ code: 'unauthorized', message: expect.stringContaining(api.url) });
  });
});

describe('in-cluster service account', () => {
  it('resolves host, port, token, CA and namespace under a path prefix', () => {
    mkdirSync(join(dir, serviceAccountDir), { recursive: true });
    write(`${serviceAccountDir}/token`, 'sa-token');
    write(`${serviceAccountDir}/namespace`, 'chaos\n');
    const env = { KUBERNETES_SERVICE_HOST: '10.0.0.1', KUBERNETES_SERVICE_PORT: '443', HOME: dir };
    expect(loadKubeConfig({ env, inClusterPathPrefix: dir })).toMatchObject({
      origin: 'in-cluster',
      server: 'https://10.0.0.1:443',
      namespace: 'chaos',
      inCluster: { tokenFile: join(dir, serviceAccountDir, 'token'), caFile: join(dir, serviceAccountDir, 'ca.crt') },
    });
    expect(caught(() => loadKubeConfig({ env, inClusterPathPrefix: dir, context: 'x' })).code).toBe('kubeconfig-missing');
  });

  it('talks strict TLS with the service-account CA and sends the token file', async () => {
    const saDir = join(dir, serviceAccountDir);
    mkdirSync(saDir, { recursive: true });
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(saDir, 'ca.crt')], { stdio: 'ignore' });
    writeFileSync(join(saDir, 'token'), 'sa-token');
    const api = await startTestApiServer({ token: 'sa-token', tls: { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(saDir, 'ca.crt'), 'utf8') } });
    try {
      const port = new URL(api.url).port;
      const cluster = await createCluster({ env: { KUBERNETES_SERVICE_HOST: '127.0.0.1', KUBERNETES_SERVICE_PORT: port }, inClusterPathPrefix: dir, retries: 0 });
      expect(cluster.server).toBe(`https://127.0.0.1:${port}`);
      expect(cluster.defaultNamespace).toBe('default');
      expect(await cluster.version()).toBe('v1.29.0');
    } finally {
      await api.close();
    }
  });
});
