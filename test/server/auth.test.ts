import { afterEach, describe, expect, it } from 'vitest';
import { isLoopbackHost, tokenMatches } from '../../src/server/auth.js';
import { resolveRoute, routeSegments } from '../../src/server/router.js';
import { createServer } from '../../src/server/server.js';
import type { Cluster } from '../../src/kube/types.js';
import { cookieDir, fastKillpod, startApi, startHarness, type Harness } from './harness.js';

let h: Harness | undefined;
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await h?.close();
  h = undefined;
  while (closers.length) await closers.pop()?.();
});

async function cluster(): Promise<Cluster> {
  const api = await startApi((sim) => sim.addDeployment({ namespace: 'openstack', name: 'keystone', replicas: 5 }));
  closers.push(api.close);
  return api.cluster;
}

const token = 'tok-3f9a1c-very-secret';

describe('bearer token', () => {
  it('refuses to listen off loopback without a token', async () => {
    const server = createServer({ cluster: await cluster(), cookieRoot: undefined });
    await expect(server.listen(0, '0.0.0.0')).rejects.toMatchObject({
      code: 'usage',
      message: '--host 0.0.0.0 is not a loopback address: a bearer token is required to serve there',
    });
    expect(server.url).toBeUndefined();
  });

  it('off loopback, state-changing routes need the token; reads do not; the token never reaches the log', async () => {
    const root = await cookieDir({ 'killpod/keystone-chaos.json': fastKillpod({ interval: 60 }) });
    h = await startHarness(await cluster(), root, { token, logFormat: 'text' }, '0.0.0.0');
    const local = h.url.replace('0.0.0.0', '127.0.0.1');
    const call = async (path: string, init: RequestInit = {}) => {
      const res = await fetch(`${local}${path}`, init);
      return { status: res.status, text: await res.text(), auth: res.headers.get('www-authenticate') };
    };
    expect(await call('/start/killpod/keystone-chaos')).toMatchObject({ status: 401, auth: 'Bearer', text: expect.stringContaining('GET /start/killpod/keystone-chaos changes state') });
    expect(await call('/start/killpod/keystone-chaos', { headers: { authorization: 'Bearer wrong' } })).toMatchObject({ status: 401 });
    expect(await call('/start/killpod/keystone-chaos', { headers: { authorization: token } })).toMatchObject({ status: 401 });
    const v2 = await call('/api/v2/jobs', { method: 'POST', body: '{"cookie":"keystone-chaos"}' });
    expect(v2.status).toBe(401);
    expect(JSON.parse(v2.text)).toMatchObject({ code: 'unauthorized' });
    expect((await call('/api/v1/pod/start', { method: 'POST' })).status).toBe(401);
    expect(h.server.jobs.all()).toHaveLength(0);

    expect(await call('/list')).toMatchObject({ status: 200, text: 'keystone-chaos\n' });
    expect(await call('/status/killpod')).toMatchObject({ status: 200 });
    expect(await call('/healthz')).toMatchObject({ status: 200, text: 'ok\n' });
    expect(await call('/start/killpod/keystone-chaos', { headers: { authorization: `Bearer ${token}` } })).toMatchObject({ status: 200, text: 'start initiated\n' });
    expect(await call('/stop/killpod/keystone-chaos', { headers: { authorization: `bearer ${token}` } })).toMatchObject({ status: 200, text: 'stop initiated\n' });
    expect(h.server.jobs.all().map((j) => j.id)).toEqual(['keystone-chaos-1']);
  });

  it('enforces a token given on loopback too', async () => {
    h = await startHarness(await cluster(), await cookieDir({ 'killpod/a.json': fastKillpod() }), { token });
    expect((await h.get('/start/killpod/a')).status).toBe(401);
    expect((await h.get('/list')).status).toBe(200);
  });

  it('keeps the token out of every log line', async () => {
    const lines: string[] = [];
    h = await startHarness(await cluster(), await cookieDir({ 'killpod/a.json': fastKillpod() }), { token, log: (l) => lines.push(l), logFormat: 'json' });
    await h.get('/start/killpod/a', { headers: { authorization: `Bearer ${token}` } });
    await h.get('/start/killpod/a', { headers: { authorization: `Bearer ${token}x` } });
    // Stop once the job is killing (after its RBAC preflight), so every kind of job line has been logged.
    await expect.poll(() => lines.some((l) => l.includes('"kind":"bite"')), { timeout: 10_000 }).toBe(true);
    await h.get('/stop/killpod/a', { headers: { authorization: `Bearer ${token}` } });
    await h.close();
    h = undefined;
    expect(lines.length).toBeGreaterThan(2);
    expect(lines.join('\n')).not.toContain(token);
  });
});

describe('isLoopbackHost', () => {
  it.each([
    ['127.0.0.1', true], ['127.1.2.3', true], ['localhost', true], ['::1', true], ['[::1]', true], ['::ffff:127.0.0.1', true],
    ['0.0.0.0', false], ['::', false], ['10.0.0.5', false], ['example.com', false], ['128.0.0.1', false],
  ])('%s → %s', (host, expected) => {
    expect(isLoopbackHost(host)).toBe(expected);
  });
});

describe('tokenMatches', () => {
  it.each([
    [`Bearer ${token}`, true], [`bearer ${token}`, true], [`Bearer  ${token} `, true],
    [undefined, false], ['', false], [token, false], [`Bearer ${token}1`, false], [`Basic ${token}`, false], ['Bearer ', false],
  ])('%j → %s', (header, expected) => {
    expect(tokenMatches(token, header)).toBe(expected);
  });
});

describe('resolveRoute: which routes change state', () => {
  it.each([
    ['GET', '/start/killpod/x', true], ['PUT', '/stop/killpod/x', true], ['GET', '/%73tart/killpod/x', true], ['HEAD', '//stop/killpod/x/', true],
    ['POST', '/api/v2/jobs', true], ['DELETE', '/api/v2/jobs', true], ['GET', '/api/v2/jobs/x/stop', true], ['POST', '/api/v1/pod/stop', true], ['GET', '/api/v1/pod/start', true],
    ['GET', '/list', false], ['POST', '/list/killpod', false], ['GET', '/status/killpod', false], ['GET', '/api/v2/jobs', false], ['GET', '/api/v2/jobs/x/junit', false], ['GET', '/api/v1/config', false],
    ['GET', '/startup', 'no route'], ['POST', '/nowhere', 'no route'], ['GET', '/start/killpod', 'no route'], ['GET', '/START/killpod/x', 'no route'], ['GET', '/start%2Fkillpod%2Fx', 'no route'],
  ])('%s %s → %s', (method, path, expected) => {
    expect(resolveRoute(method, routeSegments(path))?.changesState ?? 'no route').toBe(expected);
  });
});
