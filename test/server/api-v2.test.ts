import { readFile } from 'node:fs/promises';
import { XMLParser } from 'fast-xml-parser';
import { validateXML } from 'xmllint-wasm';
import { afterEach, describe, expect, it } from 'vitest';
import type { Simulation } from '../../src/sim/index.js';
import { cookieDir, fastKillpod, startApi, startHarness, type Harness } from './harness.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (closers.length) await closers.pop()?.();
});

async function setup(controllers?: { replaceDelayMs: number; readyDelayMs: number }): Promise<{ sim: Simulation; h: Harness }> {
  const { api, cluster, close } = await startApi((sim) => sim.addDeployment({ namespace: 'openstack', name: 'keystone', replicas: 30 }), controllers);
  closers.push(close);
  const h = await startHarness(cluster, await cookieDir({ 'killpod/keystone-chaos.json': fastKillpod() }));
  closers.push(h.close);
  return { sim: api.sim, h };
}

const post = (body: unknown) => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('/api/v2/jobs', () => {
  it('rejects an invalid inline cookie with one line naming the field', async () => {
    const { h } = await setup();
    const reply = await h.get('/api/v2/jobs', post({ cookie: { kind: 'pod', namespace: 'openstack', interval: 30 } }));
    expect(reply.status).toBe(400);
    expect(JSON.parse(reply.text)).toEqual({
      code: 'config-invalid',
      message: 'request body: cookie.kind: expected one of "deployment", "statefulset", "daemonset", got "pod"',
      hint: expect.stringContaining('{"cookie": "killpod/NAME"}'),
    });
    const unknown = JSON.parse((await h.get('/api/v2/jobs', post({ cookie: 'killpod/keystone-chaos', bogus: 1 }))).text);
    expect(unknown.message).toBe('request body: bogus: unknown field');
    const notJson = JSON.parse((await h.get('/api/v2/jobs', { method: 'POST', body: '{' })).text);
    expect(notJson).toMatchObject({ code: 'invalid-request', message: expect.stringMatching(/^request body: invalid JSON: /) });
    const badRef = JSON.parse((await h.get('/api/v2/jobs', post({ cookie: 'pods/x' }))).text);
    expect(badRef.message).toBe('request body: cookie: expected "killpod/NAME", "nodeexec/NAME" or "NAME", got "pods/x"');
    expect((await h.get('/api/v2/jobs', post({ cookie: 'killpod/nope' }))).status).toBe(404);
  });

  it('runs an inline job: 201, 409 for a second one, status, log, JUnit after a waited stop', async () => {
    const { sim, h } = await setup();
    const created = await h.get('/api/v2/jobs', post({ name: 'api-chaos', cookie: fastKillpod(), maxRecovery: '10s' }));
    expect(created.status).toBe(201);
    const job = JSON.parse(created.text);
    expect(job).toMatchObject({ id: 'api-chaos-1', name: 'api-chaos', group: 'killpod', source: 'v2', state: 'running' });
    expect(created.headers.get('location')).toBe('/api/v2/jobs/api-chaos-1');
    const again = await h.get('/api/v2/jobs', post({ name: 'api-chaos', cookie: fastKillpod() }));
    expect(again.status).toBe(409);
    expect(JSON.parse(again.text)).toMatchObject({ code: 'conflict', message: 'job api-chaos is already running (id api-chaos-1)' });

    await expect.poll(() => sim.pods('openstack').length, { timeout: 5000 }).toBeLessThan(29);
    const early = await h.get('/api/v2/jobs/api-chaos-1/junit');
    expect(early.status).toBe(409);

    const stopped = await h.get('/api/v2/jobs/api-chaos/stop?wait=true', { method: 'POST' });
    expect(stopped.status).toBe(200);
    const final = JSON.parse(stopped.text);
    const killed = 30 - sim.pods('openstack').length;
    expect(final).toMatchObject({ state: 'finished', endReason: 'stopped', kills: killed });
    expect(final.victims).toHaveLength(killed);
    // Controllers are off: nothing replaces the pods, so the job fails the way `run` would (exit 4).
    expect(final).toMatchObject({ outcome: 'chaos-failed', exitCode: 4 });

    const log = (await h.get('/api/v2/jobs/api-chaos-1/log')).text.trim().split('\n').map((l) => JSON.parse(l));
    expect(log[0]).toMatchObject({ kind: 'run-start', runId: 'api-chaos-1' });
    expect(log.filter((e) => e.kind === 'bite')).toHaveLength(killed);
    expect(log.at(-1)).toMatchObject({ kind: 'run-end', outcome: 'chaos-failed', exitCode: 4 });

    const junit = await h.get('/api/v2/jobs/api-chaos-1/junit');
    expect(junit.status).toBe(200);
    expect(junit.headers.get('content-type')).toContain('application/xml');
    const xml = new XMLParser({ ignoreAttributes: false }).parse(junit.text);
    expect(JSON.stringify(xml)).toContain('api-chaos');

    const list = JSON.parse((await h.get('/api/v2/jobs')).text);
    expect(list.jobs.map((j: { id: string }) => j.id)).toEqual(['api-chaos-1']);
    expect((await h.get('/api/v2/jobs/nope')).status).toBe(404);
  });

  it('starts a job by reference, in dry run, and stops without waiting (202)', async () => {
    const { sim, h } = await setup();
    const created = JSON.parse((await h.get('/api/v2/jobs', post({ cookie: 'keystone-chaos', dryRun: true }))).text);
    expect(created).toMatchObject({ id: 'keystone-chaos-1', dryRun: true });
    await expect.poll(async () => JSON.parse((await h.get('/api/v2/jobs/keystone-chaos-1')).text).kills, { timeout: 5000 }).toBeGreaterThan(1);
    const stop = await h.get('/api/v2/jobs/keystone-chaos-1/stop', { method: 'POST' });
    expect([200, 202]).toContain(stop.status);
    expect(sim.pods('openstack')).toHaveLength(30);
  });

  it('measures recovery after a waited stop; the JUnit passes the Jenkins XSD', async () => {
    const { sim, h } = await setup({ replaceDelayMs: 10, readyDelayMs: 20 });
    await h.get('/api/v2/jobs', post({ cookie: 'killpod/keystone-chaos', maxRecovery: '5s' }));
    await expect.poll(() => sim.workload('deployment', 'openstack', 'keystone')?.status?.availableReplicas, { timeout: 5000 }).toBeLessThan(30);
    const final = JSON.parse((await h.get('/api/v2/jobs/keystone-chaos/stop?wait=1', { method: 'POST' })).text);
    expect(final).toMatchObject({ state: 'finished', outcome: 'passed', exitCode: 0, problems: [] });
    expect(final.kills).toBeGreaterThan(0);
    expect(final.victims.every((v: { recoveredMs: number | null }) => typeof v.recoveredMs === 'number' && v.recoveredMs < 5000)).toBe(true);
    const xml = (await h.get('/api/v2/jobs/keystone-chaos/junit')).text;
    const xsd = await readFile('/work/shared/fixtures/jenkins-junit.xsd', 'utf8');
    const result = await validateXML({ xml: [{ fileName: 'job.xml', contents: xml }], schema: [xsd] });
    expect(result.errors).toEqual([]);
    expect(result.valid).toBe(true);
    const metrics = (await h.get('/metrics')).text;
    expect(metrics).toContain(`cookiemonster_recovery_seconds_count{cookie="keystone-chaos"} ${final.kills}`);
  });
});
