import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { on } from '../../src/sim/index.js';
import { startTestApiServer, useFakeApiServer } from '../helpers/fake-apiserver.js';

const api = useFakeApiServer();

async function call(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<{ status: number; json: any }> {
  const response = await fetch(`${api.server.url}${path}`, {
    method,
    headers: { 'content-type': contentType, authorization: 'Bearer sim-token' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, json: text.startsWith('{') ? JSON.parse(text) : text };
}

describe('lists', () => {
  it('decode labelSelector with URLSearchParams (+ is a space) and apply fieldSelector', async () => {
    api.server.sim.addPods('ns', 3, { app: 'a' }, { prefix: 'a' });
    api.server.sim.addPods('ns', 2, { app: 'b' }, { prefix: 'b', ready: false });
    const inSet = await call('GET', '/api/v1/namespaces/ns/pods?labelSelector=app+in+%28a%2Cc%29');
    expect(inSet.json.kind).toBe('PodList');
    expect(inSet.json.items.map((p: any) => p.metadata.name)).toEqual(['a-0', 'a-1', 'a-2']);
    const pending = await call('GET', '/api/v1/namespaces/ns/pods?fieldSelector=status.phase%3DPending');
    expect(pending.json.items.map((p: any) => p.metadata.name)).toEqual(['b-0', 'b-1']);
    const byName = await call('GET', '/api/v1/namespaces/ns/pods?fieldSelector=metadata.name%3Da-1');
    expect(byName.json.items).toHaveLength(1);
    const all = await call('GET', '/api/v1/pods?labelSelector=app%3Db');
    expect(all.json.items).toHaveLength(2);
  });

  it('paginate with limit and continue, in name order, with a resourceVersion', async () => {
    api.server.sim.addPods('ns', 5, { app: 'a' });
    const first = await call('GET', '/api/v1/namespaces/ns/pods?limit=2');
    expect(first.json.items.map((p: any) => p.metadata.name)).toEqual(['pod-0', 'pod-1']);
    expect(first.json.metadata).toMatchObject({ remainingItemCount: 3, resourceVersion: expect.any(String) });
    const second = await call('GET', `/api/v1/namespaces/ns/pods?limit=2&continue=${first.json.metadata.continue}`);
    expect(second.json.items.map((p: any) => p.metadata.name)).toEqual(['pod-2', 'pod-3']);
    const last = await call('GET', `/api/v1/namespaces/ns/pods?limit=2&continue=${second.json.metadata.continue}`);
    expect(last.json.items.map((p: any) => p.metadata.name)).toEqual(['pod-4']);
    expect(last.json.metadata.continue).toBeUndefined();
    expect((await call('GET', '/api/v1/namespaces/ns/pods?continue=garbage')).status).toBe(400);
  });

  it('paginates a selected list without remainingItemCount, as the API server does, and resumes past a write', async () => {
    api.server.sim.addPods('ns', 3, { app: 'a' }, { prefix: 'a' });
    api.server.sim.addPods('ns', 3, { app: 'b' }, { prefix: 'b' });
    const first = await call('GET', '/api/v1/namespaces/ns/pods?limit=2&labelSelector=app%3Db');
    expect(first.json.items.map((p: any) => p.metadata.name)).toEqual(['b-0', 'b-1']);
    expect(first.json.metadata).not.toHaveProperty('remainingItemCount');
    api.server.sim.addPods('ns', 1, { app: 'b' }, { prefix: 'aa' });
    const rest = await call('GET', `/api/v1/namespaces/ns/pods?limit=2&labelSelector=app%3Db&continue=${first.json.metadata.continue}`);
    expect(rest.json.items.map((p: any) => p.metadata.name)).toEqual(['b-2']);
    expect(rest.json.metadata.continue).toBeUndefined();
  });

  it('reject a bad label selector with a 400 Status', async () => {
    const bad = await call('GET', '/api/v1/namespaces/ns/pods?labelSelector=app+in+%28a');
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'BadRequest', code: 400 });
  });
});

describe('Status bodies', () => {
  it('404 for a missing object and for an unknown path', async () => {
    api.server.sim.addNamespace('ns');
    expect((await call('GET', '/api/v1/namespaces/ns/pods/ghost')).json).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'pods "ghost" not found',
      reason: 'NotFound',
      details: { name: 'ghost', kind: 'pods' },
      code: 404,
    });
    expect((await call('GET', '/apis/batch/v1/namespaces/ns/cronjobs')).json).toMatchObject({ code: 404, message: 'the server could not find the requested resource' });
  });

  it('409 on a uid precondition mismatch; dryRun=All deletes nothing', async () => {
    api.server.sim.addPods('ns', 1, { app: 'a' });
    const [pod] = api.server.sim.pods('ns');
    const conflict = await call('DELETE', '/api/v1/namespaces/ns/pods/pod-0', { preconditions: { uid: 'other' } });
    expect(conflict.json).toMatchObject({ code: 409, reason: 'Conflict', message: `Precondition failed: UID in precondition: other, UID in object meta: ${pod?.metadata.uid}` });
    expect((await call('DELETE', '/api/v1/namespaces/ns/pods/pod-0?dryRun=All')).status).toBe(200);
    expect(api.server.sim.pods('ns')).toHaveLength(1);
    expect((await call('DELETE', '/api/v1/namespaces/ns/pods/pod-0', { preconditions: { uid: pod?.metadata.uid } })).status).toBe(200);
    expect(api.server.sim.pods('ns')).toHaveLength(0);
  });

  it('403 with the real RBAC wording, and access reviews that agree', async () => {
    api.server.sim.addPods('ns', 1, { app: 'a' });
    api.server.sim.forbid({ verb: 'delete', resource: 'pods', namespace: 'ns' });
    api.server.sim.forbid({ verb: 'list', resource: 'deployments' });
    const denied = await call('DELETE', '/api/v1/namespaces/ns/pods/pod-0');
    expect(denied.json).toMatchObject({
      code: 403,
      reason: 'Forbidden',
      message: 'pods "pod-0" is forbidden: User "system:serviceaccount:cookiemonster:cookiemonster" cannot delete resource "pods" in API group "" in the namespace "ns"',
      details: { name: 'pod-0', kind: 'pods' },
    });
    expect((await call('GET', '/apis/apps/v1/namespaces/ns/deployments')).json.message).toBe(
      'deployments.apps is forbidden: User "system:serviceaccount:cookiemonster:cookiemonster" cannot list resource "deployments" in API group "apps" in the namespace "ns"',
    );
    const review = (verb: string, resource: string, group = '') =>
      call('POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', { spec: { resourceAttributes: { verb, resource, group, namespace: 'ns' } } });
    expect((await review('delete', 'pods')).json.status.allowed).toBe(false);
    expect((await review('get', 'pods')).json.status.allowed).toBe(true);
    expect((await review('list', 'deployments', 'apps')).json.status.allowed).toBe(false);
  });

  it('401 without the bearer token when one is required', async () => {
    const secured = await startTestApiServer({ token: 'secret' });
    try {
      const response = await fetch(`${secured.url}/api/v1/nodes`);
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ kind: 'Status', reason: 'Unauthorized', code: 401 });
      expect((await fetch(`${secured.url}/api/v1/nodes`, { headers: { authorization: 'Bearer secret' } })).status).toBe(200);
    } finally {
      await secured.close();
    }
  });
});

describe('a 1.20 server', () => {
  it('serves policy/v1beta1 only, and rejects a policy/v1 Eviction with the real 400', async () => {
    const old = await startTestApiServer({ kubernetesVersion: 'v1.20.2' });
    try {
      old.sim.addPods('ns', 1, { app: 'a' });
      expect((await fetch(`${old.url}/apis/policy/v1/namespaces/ns/poddisruptionbudgets`)).status).toBe(404);
      expect((await fetch(`${old.url}/apis/policy/v1beta1/namespaces/ns/poddisruptionbudgets`)).status).toBe(200);
      const evict = (apiVersion: string) =>
        fetch(`${old.url}/api/v1/namespaces/ns/pods/pod-0/eviction`, { method: 'POST', body: JSON.stringify({ apiVersion, kind: 'Eviction', metadata: { name: 'pod-0' } }) });
      const v1 = await evict('policy/v1');
      expect(v1.status).toBe(400);
      expect(((await v1.json()) as { message: string }).message).toMatch(/^no kind "Eviction" is registered for version "policy\/v1"/);
      expect((await evict('policy/v1beta1')).status).toBe(201);
      expect(((await (await fetch(`${old.url}/version`)).json()) as { gitVersion: string }).gitVersion).toBe('v1.20.2');
    } finally {
      await old.close();
    }
  });
});

describe('evictions and PDBs', () => {
  it('429 with a DisruptionBudget cause when the budget is spent; PDB status shows it', async () => {
    const { sim } = api.server;
    sim.addStatefulSet({ namespace: 'ns', name: 'db', replicas: 3 });
    sim.addPdb({ namespace: 'ns', name: 'db', selector: { matchLabels: { app: 'db' } }, maxUnavailable: 1 });
    const evict = (name: string) => call('POST', `/api/v1/namespaces/ns/pods/${name}/eviction`, { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name } });
    expect((await call('GET', '/apis/policy/v1/namespaces/ns/poddisruptionbudgets/db')).json.status).toMatchObject({ expectedPods: 3, currentHealthy: 3, desiredHealthy: 2, disruptionsAllowed: 1 });
    expect((await evict('db-0')).json).toMatchObject({ kind: 'Status', status: 'Success', code: 201 });
    const refused = await evict('db-1');
    expect(refused.status).toBe(429);
    expect(refused.json.details.causes).toEqual([{ reason: 'DisruptionBudget', message: 'The disruption budget db needs 2 healthy pods and has 2 currently' }]);
    expect((await call('GET', '/apis/policy/v1beta1/namespaces/ns/poddisruptionbudgets/db')).json).toMatchObject({ apiVersion: 'policy/v1beta1', status: { disruptionsAllowed: 0 } });
  });
});

describe('patches', () => {
  it('merge-patches pods/status, and JSON-patches objects', async () => {
    api.server.sim.addPods('ns', 1, { app: 'a' }, { ready: false });
    const status = await call('PATCH', '/api/v1/namespaces/ns/pods/pod-0/status', { status: { phase: 'Running' } }, 'application/merge-patch+json');
    expect(status.json.status.phase).toBe('Running');
    const labels = await call('PATCH', '/api/v1/namespaces/ns/pods/pod-0', [{ op: 'add', path: '/metadata/labels/extra', value: 'yes' }], 'application/json-patch+json');
    expect(labels.json.metadata.labels).toEqual({ app: 'a', extra: 'yes' });
    const wrongType = await call('PATCH', '/api/v1/namespaces/ns/pods/pod-0', { metadata: {} }, 'application/json-patch+json');
    expect(wrongType.status).toBe(400);
    expect(wrongType.json.message).toContain('cannot unmarshal object into Go value of type jsonpatch.Patch');
  });
});

describe('watch', () => {
  it('stays open and streams ADDED, then live events for the selected objects', async () => {
    api.server.sim.addPods('ns', 1, { app: 'a' }, { prefix: 'a' });
    api.server.sim.addPods('ns', 1, { app: 'b' }, { prefix: 'b' });
    const url = new URL(`${api.server.url}/api/v1/namespaces/ns/pods?watch=true&labelSelector=app%3Da`);
    const events: { type: string; name: string }[] = [];
    const req = request(url, (res) => {
      let buffer = '';
      res.on('data', (chunk: Buffer) => {
        buffer += chunk.toString();
        let newline: number;
        while ((newline = buffer.indexOf('\n')) >= 0) {
          const line = JSON.parse(buffer.slice(0, newline));
          events.push({ type: line.type, name: line.object.metadata.name });
          buffer = buffer.slice(newline + 1);
        }
      });
    });
    req.end();
    await waitFor(() => events.length === 1);
    api.server.sim.addPods('ns', 1, { app: 'a' }, { prefix: 'a' });
    api.server.sim.addPods('ns', 1, { app: 'b' }, { prefix: 'b' });
    await call('DELETE', '/api/v1/namespaces/ns/pods/a-0');
    await waitFor(() => events.length === 3);
    expect(events).toEqual([
      { type: 'ADDED', name: 'a-0' },
      { type: 'ADDED', name: 'a-1' },
      { type: 'DELETED', name: 'a-0' },
    ]);
    req.destroy();
  });
});

describe('request log and faults', () => {
  it('records method, path, query, status and bytes; resetLog clears it', async () => {
    api.server.sim.addPods('ns', 2, { app: 'a' });
    const response = await fetch(`${api.server.url}/api/v1/namespaces/ns/pods?limit=1`);
    const bytes = (await response.arrayBuffer()).byteLength;
    expect(api.server.requests()).toEqual([{ method: 'GET', path: '/api/v1/namespaces/ns/pods', query: 'limit=1', status: 200, bytes }]);
    expect(api.server.stats()).toEqual({ requests: 1, bytes });
    api.server.resetLog();
    expect(api.server.stats()).toEqual({ requests: 0, bytes: 0 });
  });

  it('applies a fault to matching requests only, the given number of times, with latency', async () => {
    api.server.fail({ match: on('GET', '/api/v1/nodes'), status: 503, times: 2, latencyMs: 50 });
    expect((await call('GET', '/version')).status).toBe(200);
    const started = Date.now();
    expect((await call('GET', '/api/v1/nodes')).json).toMatchObject({ kind: 'Status', reason: 'ServiceUnavailable', code: 503 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    expect((await call('GET', '/api/v1/nodes')).status).toBe(503);
    expect((await call('GET', '/api/v1/nodes')).status).toBe(200);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 2_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error('waitFor: condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
