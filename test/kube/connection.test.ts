import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { directConnection, tokenFileMaxAgeMs } from '../../src/kube/connection.js';
import { createCluster, loadKubeConfig } from '../../src/kube/index.js';
import { runCli, workspace } from '../cli/run-cli.js';
import { execPluginUser } from '../helpers/exec-plugin.js';
import { credentialModes, startTestApiServer, type TestApiServer } from '../helpers/fake-apiserver.js';
import { failure } from '../helpers/failures.js';
import { clientNodeModules, moduleRecorder } from '../helpers/loaded-modules.js';
import { makeTestPki, type TestPki } from '../helpers/pki.js';

let dir: string;
let pki: TestPki;
let api: TestApiServer;
let named: TestApiServer;
/** A kubeconfig user whose exec credential plugin prints the server's token. */
let execUser: ReturnType<typeof execPluginUser>;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kcm-connection-'));
  pki = makeTestPki(dir);
  const tls = { key: pki.pem('serverKey'), cert: pki.pem('serverCert'), clientCa: pki.pem('ca') };
  api = await startTestApiServer({ token: 'right-token', tls });
  // A second server whose certificate names only kube.test, not the address it is reached at.
  const namedPki = makeTestPki(mkdtempSync(join(dir, 'named-')), 'DNS:kube.test');
  named = await startTestApiServer({ token: 'right-token', tls: { key: namedPki.pem('serverKey'), cert: namedPki.pem('serverCert') } });
  writeFileSync(join(dir, 'named-ca.pem'), namedPki.pem('ca'));
  execUser = execPluginUser(dir, 'right-token');
});
afterAll(async () => {
  await api?.close();
  await named?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A kubeconfig file in `dir` with one context; `cluster` and `user` are written as given. */
function kubeconfig(name: string, cluster: Record<string, unknown>, user: Record<string, unknown>): string {
  const path = join(dir, `${name}.yaml`);
  writeFileSync(
    path,
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'c', cluster: { server: api.url, ...cluster } }],
      users: [{ name: 'u', user }],
      contexts: [{ name: 'ctx', context: { cluster: 'c', user: 'u', namespace: 'default' } }],
      'current-context': 'ctx',
    }),
  );
  return path;
}


const base64 = (text: string): string => Buffer.from(text).toString('base64');


describe.each(credentialModes)('kubeconfig credentials over strict TLS (%s)', (credentials) => {
  const connect = (file: string) => createCluster({ kubeconfig: file, env: {}, retries: 0, credentials });

  it('a client certificate and the CA from files named relative to the kubeconfig authenticate without a token', async () => {
    const file = kubeconfig(`cert-files-${credentials}`, { 'certificate-authority': pki.files.ca }, { 'client-certificate': pki.files.clientCert, 'client-key': pki.files.clientKey });
    expect(await (await connect(file)).version()).toBe('v1.29.0');
  });

  it('the same material inline as *-data works too', async () => {
    const file = kubeconfig(
      `cert-data-${credentials}`,
      { 'certificate-authority-data': base64(pki.pem('ca')) },
      { 'client-certificate-data': base64(pki.pem('clientCert')), 'client-key-data': base64(pki.pem('clientKey')) },
    );
    expect(await (await connect(file)).version()).toBe('v1.29.0');
  });

  it('a server certificate for another name is a TLS error, and tls-server-name accepts it', async () => {
    const cluster = { server: named.url, 'certificate-authority': 'named-ca.pem' };
    const token = { token: 'right-token' };
    const error = await failure((await connect(kubeconfig(`no-name-${credentials}`, cluster, token))).version());
    expect(error.code).toBe('cluster-unreachable');
    expect(error.message).toMatch(/TLS error|altnames|certificate/i);
    const fixed = kubeconfig(`server-name-${credentials}`, { ...cluster, 'tls-server-name': 'kube.test' }, token);
    expect(await (await connect(fixed)).version()).toBe('v1.29.0');
  });

  it('a CA that did not sign the server is refused; insecure-skip-tls-verify skips the check', async () => {
    const wrongCa = { 'certificate-authority': 'named-ca.pem' };
    const error = await failure((await connect(kubeconfig(`wrong-ca-${credentials}`, wrongCa, { token: 'right-token' }))).version());
    expect(error.code).toBe('cluster-unreachable');
    const insecure = kubeconfig(`insecure-${credentials}`, { 'insecure-skip-tls-verify': true }, { token: 'right-token' });
    expect(await (await connect(insecure)).version()).toBe('v1.29.0');
  });

  it('a plain http server without insecure-skip-tls-verify is a config error naming the fix', async () => {
    const file = kubeconfig(`plain-${credentials}`, { server: 'http://127.0.0.1:9' }, { token: 'x' });
    const error = await failure(connect(file).then((c) => c.version()));
    expect(error.code).toBe('config-invalid');
    expect(error.message).toContain('insecure-skip-tls-verify: true');
  });
});

describe('our own transport and when client-node takes over', () => {
  it('a certificate without its key is a one-line config error naming both fields', async () => {
    const file = kubeconfig('cert-no-key', { 'certificate-authority': pki.files.ca }, { 'client-certificate': pki.files.clientCert });
    const error = await failure(createCluster({ kubeconfig: file, env: {} }));
    expect(error.code).toBe('config-invalid');
    expect(error.message).toBe('kubeconfig context "ctx": user has a client certificate but no client-key(-data): expected both or neither');
  });

  it('a CA file that cannot be read names the field and the file', async () => {
    const file = kubeconfig('missing-ca', { 'certificate-authority': 'nowhere/ca.pem' }, { token: 't' });
    const error = await failure(createCluster({ kubeconfig: file, env: {} }));
    expect(error.code).toBe('config-invalid');
    expect(error.message).toBe(`kubeconfig context "ctx": certificate-authority: expected a readable file, got ${join(dir, 'nowhere/ca.pem')} (ENOENT)`);
  });

  it('tokenFile (which client-node ignores) is sent as a bearer token; a wrong one is unauthorized', async () => {
    writeFileSync(join(dir, 'token'), 'right-token\n');
    writeFileSync(join(dir, 'bad-token'), 'wrong-token');
    const ca = { 'certificate-authority': pki.files.ca };
    expect(await (await createCluster({ kubeconfig: kubeconfig('token-file', ca, { tokenFile: join(dir, 'token') }), env: {}, retries: 0 })).version()).toBe('v1.29.0');
    const error = await failure((await createCluster({ kubeconfig: kubeconfig('bad-token', ca, { tokenFile: join(dir, 'bad-token') }), env: {}, retries: 0 })).version());
    expect(error.code).toBe('unauthorized');
  });

  it('a rotated token file is read again: at once when it changes, else after a minute', async () => {
    const tokenFile = join(dir, 'rotating');
    writeFileSync(tokenFile, 'first');
    const mtime = new Date(1_700_000_000_000);
    utimesSync(tokenFile, mtime, mtime);
    let now = 1_000;
    const connection = directConnection(loadKubeConfig({ kubeconfig: kubeconfig('rotating', { 'insecure-skip-tls-verify': true }, { tokenFile }), env: {} }), { now: () => now });
    const bearer = async () => (await connection!.prepare()).headers['authorization'];
    expect(await bearer()).toBe('Bearer first');
    writeFileSync(tokenFile, 'second');
    utimesSync(tokenFile, mtime, mtime);
    expect(await bearer()).toBe('Bearer first');
    now += tokenFileMaxAgeMs;
    expect(await bearer()).toBe('Bearer second');
    writeFileSync(tokenFile, 'third');
    utimesSync(tokenFile, new Date(mtime.getTime() + 5_000), new Date(mtime.getTime() + 5_000));
    expect(await bearer()).toBe('Bearer third');
  });

  it('username and password become basic auth', async () => {
    const file = kubeconfig('basic', { 'insecure-skip-tls-verify': true }, { username: 'admin', password: 's3cret' });
    const connection = directConnection(loadKubeConfig({ kubeconfig: file, env: {} }));
    expect((await connection!.prepare()).headers).toEqual({ authorization: `Basic ${base64('admin:s3cret')}` });
  });

  it.each([
    ['an exec plugin', {}, { exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', command: 'true' } }],
    ['an auth provider', {}, { 'auth-provider': { name: 'oidc', config: {} } }],
    ['impersonation', {}, { token: 't', as: 'someone' }],
    ['a proxy', { 'proxy-url': 'http://proxy:3128' }, { token: 't' }],
  ])('%s is left to client-node', (_what, cluster, user) => {
    const resolved = loadKubeConfig({ kubeconfig: kubeconfig('plugin', { 'insecure-skip-tls-verify': true, ...cluster }, user), env: {} });
    expect(directConnection(resolved)).toBeUndefined();
  });

  it('an exec credential plugin authenticates through client-node', async () => {
    const file = kubeconfig('exec', { 'certificate-authority': pki.files.ca }, execUser);
    expect(await (await createCluster({ kubeconfig: file, env: {}, retries: 0 })).version()).toBe('v1.29.0');
  });
});

describe('what a run loads', () => {
  const cookie = { name: 'web', kind: 'deployment', namespace: 'default', target: 1, interval: 1 };
  beforeAll(() => {
    api.sim.addDeployment({ namespace: 'default', name: 'web', replicas: 3 });
  });
  const dryRun = async (user: Record<string, unknown>) => {
    const ws = workspace(undefined, { web: cookie });
    const file = kubeconfig(`run-${Object.keys(user)[0]}`, { 'certificate-authority': join(dir, pki.files.ca) }, user);
    const recorder = moduleRecorder();
    const run = await runCli(ws, ['run', '--dry-run', '--kubeconfig', file, '--cookies', join(ws, 'cookies.d'), '--chaos-duration', '1s', '--skip-deploy-check', '--', 'true'], { env: recorder.env });
    return { run, clientNode: clientNodeModules(recorder.modules()) };
  };

  it('a token kubeconfig runs the whole dry run without loading @kubernetes/client-node', async () => {
    const { run, clientNode } = await dryRun({ token: 'right-token' });
    expect(run.stderr).not.toMatch(/cookiemonster: /);
    expect(run.exitCode).toBe(0);
    expect(run.entries().filter((e) => e.kind === 'bite').length).toBeGreaterThan(0);
    expect(clientNode).toEqual([]);
  });

  it('an exec plugin kubeconfig loads it and still works', async () => {
    const { run, clientNode } = await dryRun(execUser);
    expect(run.exitCode).toBe(0);
    expect(clientNode.length).toBeGreaterThan(0);
  });
});
