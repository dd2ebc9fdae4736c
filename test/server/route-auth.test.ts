import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cookieDir, fastKillpod, startApi, startHarness, type Harness } from './harness.js';

/**
 * The token check is decided on the route the router dispatches, so no spelling of a state-changing route gets past
 * it. Requests go out through node:http with the path exactly as written (fetch would normalise it first).
 */
const token = 'tok-route-auth-5d1e';
let h: Harness;
let closeApi: () => Promise<void>;
let runningId: string;

beforeAll(async () => {
  const api = await startApi((sim) => sim.addDeployment({ namespace: 'openstack', name: 'keystone', replicas: 5 }));
  closeApi = api.close;
  const root = await cookieDir({
    'killpod/a.json': fastKillpod({ interval: 3600 }),
    'killpod/b.json': fastKillpod({ interval: 3600 }),
    'config.yaml': 'namespace:\n  - name: openstack\n    resource:\n      - kind: deployment\n        name: keystone\n        target: 1\ninterval: 3600\n',
  });
  h = await startHarness(api.cluster, root, { token });
  const started = await raw('GET', '/start/killpod/b', { authorization: `Bearer ${token}` });
  expect(started.status).toBe(200);
  runningId = h.server.jobs.runningNamed('b', 'killpod')?.id ?? '';
  expect(runningId).toBe('b-1');
});

afterAll(async () => {
  await h.close();
  await closeApi();
});

function raw(method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<{ status: number; text: string }> {
  const { hostname, port } = new URL(h.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, method, path, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const startVariants = [
  '/start/killpod/a', '/%73tart/killpod/a', '/st%61rt/killpod/a', '/start/%6billpod/a', '/start/killpod/%61',
  '//start/killpod/a', '/start//killpod/a', '/start/killpod//a', '/start/killpod/a/', '/start/killpod/a//', '///start///killpod///a///',
  '/./start/killpod/a', '/x/../start/killpod/a', '/%2e/start/killpod/a', '/x/%2e%2e/start/killpod/a', '/start/killpod/a?x=1',
];
const stopVariants = ['/stop/killpod/b', '/%73top/killpod/b', '/sto%70/killpod/b', '//stop/killpod/b/', '/stop/killpod/%62', '/stop//killpod//b'];
const methods = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'];

const unauthorizedCases: [string, string][] = [
  ...startVariants.flatMap((path) => methods.map((method): [string, string] => [method, path])),
  ...stopVariants.flatMap((path) => methods.map((method): [string, string] => [method, path])),
  ...['/api/v1/pod/start', '/api/v1/pod/%73tart', '/api/v1/pod/start/', '//api//v1//pod//start', '/%61pi/v1/pod/start', '/api/v1/pod/stop', '/api/v1/pod/%73top/']
    .flatMap((path) => ['POST', 'GET', 'PUT'].map((method): [string, string] => [method, path])),
  ...['/api/v2/jobs', '/api/v2/jobs/', '//api/v2/jobs', '/api/v2/%6aobs', '/api/%762/jobs//'].flatMap((path) => ['POST', 'PUT', 'DELETE', 'PATCH'].map((method): [string, string] => [method, path])),
  ...['/api/v2/jobs/b-1/stop', '/api/v2/jobs/b-1/%73top', '/api/v2/jobs/b-1/stop/', '/api/v2/jobs//b-1//stop', '/api/v2/jobs/%62-1/stop', '/api/v2/jobs/b/stop']
    .flatMap((path) => ['POST', 'GET', 'DELETE'].map((method): [string, string] => [method, path])),
];

describe('every spelling of a state-changing route needs the token', () => {
  it.each(unauthorizedCases)('%s %s without a token → 401, nothing started or stopped', async (method, path) => {
    const body = method === 'POST' && path.includes('jobs') && !path.includes('stop') ? '{"cookie":"killpod/a"}' : undefined;
    const reply = await raw(method, path, {}, body);
    expect(reply.status).toBe(401);
    expect(h.server.jobs.all().map((j) => `${j.id}:${j.state}`)).toEqual([`${runningId}:running`]);
  });

  it.each([
    ['GET', '/START/killpod/a'], ['GET', '/Start/killpod/a'], ['GET', '/%2573tart/killpod/a'], ['GET', '/start%2Fkillpod%2Fa'], ['POST', '/start/killpod'],
    ['GET', '/STOP/killpod/b'], ['POST', '/api/v1/pod/START'], ['POST', '/API/v2/jobs'], ['POST', '/api/v2/jobs/b-1/STOP'], ['POST', '/api/v2/jobs/b-1/stop/now'],
    ['POST', '/nowhere'], ['PUT', '/api/v2'],
  ])('%s %s is no route: 404, nothing started or stopped', async (method, path) => {
    const reply = await raw(method, path);
    expect(reply.status).toBe(404);
    expect(h.server.jobs.all().map((j) => `${j.id}:${j.state}`)).toEqual([`${runningId}:running`]);
  });

  it('the same spellings work with the token: the router and the check agree on the route', async () => {
    const auth = { authorization: `Bearer ${token}` };
    expect(await raw('GET', '/%73tart//killpod/a/', auth)).toMatchObject({ status: 200, text: 'start initiated\n' });
    expect(h.server.jobs.runningNamed('a', 'killpod')).toBeDefined();
    expect(await raw('GET', '//%73top/killpod/%61', auth)).toMatchObject({ status: 200, text: 'stop initiated\n' });
    expect(h.server.jobs.runningNamed('a', 'killpod')).toBeUndefined();
    expect(h.server.jobs.find('a')?.endReason).toBe('stopped');
  });

  it('reads need no token, whatever their spelling', async () => {
    expect(await raw('GET', '/%6cist/killpod/')).toMatchObject({ status: 200, text: 'a\nb\n' });
    expect((await raw('GET', '/api/v2/jobs/')).status).toBe(200);
    expect((await raw('GET', '//healthz/')).status).toBe(200);
  });
});

describe('errors that quote the request escape control characters', () => {
  const controlCharacter = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;
  const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };

  it.each([
    ['GET', '/show/killpod/%1b%5b2J%c2%9b31m', undefined, 404, 'cookie killpod/\\u001b[2J\\u009b31m not found'],
    ['GET', '/api/v2/jobs/%1b%5d0;x%07', undefined, 404, 'no job with id or name "\\u001b]0;x\\u0007"'],
    ['POST', '/api/v2/jobs', '{"cookie": "pods/\\u009b2J\\u001b[1m"}', 400, 'got "pods/\\u009b2J\\u001b[1m"'],
    ['POST', '/api/v2/jobs', '{"cookie": \u001b[2J}', 400, "request body: invalid JSON: Unexpected token '\\u001b'"],
  ])('%s %s: the quoted input escaped', async (method, path, body, status, quoted) => {
    const reply = await raw(method, path, auth, body);
    expect(reply.status).toBe(status);
    expect(reply.text).not.toMatch(controlCharacter);
    const message = path.startsWith('/api/v2') ? (JSON.parse(reply.text) as { message: string }).message : reply.text;
    expect(message).toContain(quoted);
  });
});
