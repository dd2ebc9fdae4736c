import { vi, describe, expect, it } from 'vitest';
import type { KillPodCookie } from '../../src/config/schema.js';
import { startChaos } from '../../src/core/chaos.js';
import type { KillRecord } from '../../src/core/cookies/context.js';
import { createRecoveryTracker } from '../../src/core/recovery.js';
import { seededRng } from '../../src/core/rng.js';
import { createScopeFeed } from '../../src/core/scope-watch.js';
import { createKillLog, entriesOf, type KillLog } from '../../src/log/entries.js';
import { on } from '../../src/sim/index.js';
import { useFakeApiServer, type TestApiServer } from '../helpers/fake-apiserver.js';
import { createFakeClock } from '../helpers/fake-clock.js';
import { bitten, cookieFrom, defaultBiteOptions } from './bite-context.js';

/**
 * Victims picked from the watches of the scope, over HTTP against the loopback fake API server: after the set-up
 * (LIST + WATCH), a tick costs its DELETE and nothing else. Each tick is awaited by its log entry before the fake clock
 * moves on to the next.
 */
async function runWatched(server: TestApiServer, cookie: KillPodCookie, ticks: number, options: { dryRun?: boolean; trackRecovery?: boolean } = {}) {
  const cluster = await server.connect();
  const clock = createFakeClock();
  const log = createKillLog(clock);
  const watching = new AbortController();
  const scopes = createScopeFeed(cluster, clock, watching.signal);
  const perTick: ReturnType<typeof requestsAnswered>[] = [];
  const tracker = options.trackRecovery ? createRecoveryTracker({ cluster, clock, log, scopes }) : undefined;
  const bite = { ...defaultBiteOptions, dryRun: options.dryRun ?? false, onKill: (kill: KillRecord) => tracker?.track(kill) };
  const chaos = startChaos([cookie], { cluster, clock, rng: seededRng(3), log, scopes }, bite, { signal: watching.signal });
  for (let tick = 0; tick < ticks; tick++) {
    await vi.waitFor(() => expect(decided(log, tick)).toBe(true), { timeout: 10_000, interval: 2 });
    perTick.push(requestsAnswered(server));
    server.resetLog();
    if (tick < ticks - 1) await clock.advance(cookie.intervalMs);
  }
  await chaos.stop();
  if (tracker) {
    const kills = bitten(log).length;
    await vi.waitFor(() => expect(entriesOf(log.entries(), 'recovery')).toHaveLength(kills), { timeout: 10_000, interval: 5 });
    perTick.push(requestsAnswered(server));
    await tracker.settle(0);
  }
  watching.abort();
  return { log, perTick };
}

/** The requests the server has answered since its log was reset, a WATCH told from a LIST. */
const requestsAnswered = (server: TestApiServer): { method: string; path: string; watch: boolean }[] =>
  server.requests().map((r) => ({ method: r.method, path: r.path, watch: new URLSearchParams(r.query).has('watch') }));

/** Tick n has logged its bite, skip or error. */
const decided = (log: KillLog, tick: number): boolean =>
  log.entries().some((e) => (e.kind === 'bite' || e.kind === 'skip' || e.kind === 'error') && 'tick' in e && e.tick === tick);

describe('killpod picks victims from the watched scope', () => {
  const api = useFakeApiServer({ controllers: true });

  it('named workload: set-up reads once, then each kill costs exactly its DELETE', async () => {
    const { server } = api;
    server.sim.addDeployment({ namespace: 'ns', name: 'api', replicas: 6 });
    server.sim.addDeployment({ namespace: 'ns', name: 'other', replicas: 4 });
    server.resetLog();
    const { log, perTick } = await runWatched(server, cookieFrom({ name: 'api', kind: 'deployment', namespace: 'ns', interval: '1s' }), 5, { dryRun: true });

    expect(bitten(log)).toHaveLength(5);
    const [setup, ...steady] = perTick;
    expect(setup!.filter((r) => r.watch).length).toBeGreaterThanOrEqual(2);
    for (const requests of steady) expect(requests).toEqual([{ method: 'DELETE', path: expect.stringMatching(/^\/api\/v1\/namespaces\/ns\/pods\/api-/), watch: false }]);
    expect(entriesOf(log.entries(), 'retry')).toEqual([]);
  });

  it('random workload: the workloads and pods of the namespace are watched, each kill costs its DELETE', async () => {
    const { server } = api;
    for (const name of ['a', 'b', 'c']) server.sim.addDeployment({ namespace: 'ns', name, replicas: 4 });
    server.resetLog();
    const { log, perTick } = await runWatched(server, cookieFrom({ name: '', kind: 'deployment', namespace: 'ns', interval: '1s' }), 6, { dryRun: true });

    const bites = entriesOf(log.entries(), 'bite');
    expect(bites).toHaveLength(6);
    expect(new Set(bites.map((b) => b.workload.name)).size).toBeGreaterThan(1);
    // Each victim belongs to the workload the tick picked: its pods were found by that workload's selector.
    for (const b of bites) expect(b.pod.name.startsWith(`${b.workload.name}-`)).toBe(true);
    const [setup, ...steady] = perTick;
    expect(setup!.filter((r) => r.watch).map((r) => r.path).sort()).toEqual(['/api/v1/namespaces/ns/pods', '/apis/apps/v1/namespaces/ns/deployments']);
    for (const requests of steady) expect(requests.map((r) => r.method)).toEqual(['DELETE']);
  });

  it('random workload, real kills: recovery is judged from the same namespace watch, so a kill and its recovery cost one request', async () => {
    const { server } = api;
    for (const name of ['a', 'b', 'c']) server.sim.addDeployment({ namespace: 'ns', name, replicas: 4 });
    server.resetLog();
    const { log, perTick } = await runWatched(server, cookieFrom({ name: '', kind: 'deployment', namespace: 'ns', interval: '1s' }), 6, { trackRecovery: true });

    const kills = bitten(log);
    expect(kills.length).toBeGreaterThanOrEqual(5);
    const recoveries = entriesOf(log.entries(), 'recovery');
    expect(recoveries.map((r) => r.pod.name).sort()).toEqual([...kills].sort());
    for (const r of recoveries) expect(r).toMatchObject({ recovered: true, method: 'watch', stages: { gone: expect.any(Number), ready: expect.any(Number), available: expect.any(Number) } });
    const [setup, ...steady] = perTick;
    // Set-up: the LIST and WATCH of the Deployments and of the pods, then the first tick's DELETE.
    expect(setup!.map((r) => (r.watch ? 'WATCH' : r.method)).sort()).toEqual(['DELETE', 'GET', 'GET', 'WATCH', 'WATCH']);
    expect(steady.flat().map((r) => r.method)).toEqual(kills.slice(1).map(() => 'DELETE'));
  });

  it('real kills: the cache follows the cluster (victims never picked twice, the floor holds on what the watch shows)', async () => {
    const { server } = api;
    server.sim.addStatefulSet({ namespace: 'db', name: 'mariadb', replicas: 3 });
    server.resetLog();
    const { log } = await runWatched(server, cookieFrom({ name: 'mariadb', kind: 'statefulset', namespace: 'db', interval: '1s' }), 4);
    const names = bitten(log);
    expect(names.length).toBeGreaterThanOrEqual(1);
    expect(names.length).toBeLessThanOrEqual(2);
    expect(entriesOf(log.entries(), 'skip').every((s) => s.reason === 'only-one-available' || s.reason === 'no-candidates')).toBe(true);
    expect(server.sim.pods('db').filter((p) => p.metadata.deletionTimestamp === undefined).length).toBeGreaterThanOrEqual(1);
  });

  it('the first kill waits until the watches are open, so its events are seen as they happen, not replayed late', async () => {
    const { server } = api;
    server.sim.addDeployment({ namespace: 'ns', name: 'api', replicas: 4 });
    server.resetLog();
    // The pods' LIST answers at once; their WATCH only after 300 ms (the server logs a request when it answers it).
    server.fail({ match: on('GET', '/api/v1/namespaces/ns/pods'), times: 1 });
    server.fail({ match: on('GET', '/api/v1/namespaces/ns/pods'), times: 1, latencyMs: 300 });
    const { log, perTick } = await runWatched(server, cookieFrom({ name: 'api', kind: 'deployment', namespace: 'ns', interval: '1s' }), 1, { dryRun: true });

    expect(bitten(log)).toHaveLength(1);
    const answered = perTick[0]!.map((r) => (r.method === 'DELETE' ? 'DELETE' : r.watch ? `WATCH ${r.path}` : `LIST ${r.path}`));
    expect(answered.indexOf('WATCH /api/v1/namespaces/ns/pods')).toBeGreaterThan(-1);
    expect(answered.indexOf('WATCH /api/v1/namespaces/ns/pods')).toBeLessThan(answered.indexOf('DELETE'));
  });

  it('where watching is forbidden, it says so once and reads by GET and LIST', async () => {
    const { server } = api;
    server.sim.addDeployment({ namespace: 'ns', name: 'api', replicas: 6 });
    server.sim.forbid({ verb: 'watch', resource: 'pods' });
    server.resetLog();
    const { log, perTick } = await runWatched(server, cookieFrom({ name: 'api', kind: 'deployment', namespace: 'ns', interval: '1s' }), 3, { dryRun: true });

    expect(bitten(log)).toHaveLength(3);
    expect(entriesOf(log.entries(), 'retry')).toEqual([
      expect.objectContaining({ operation: 'victim cache of deployment/api', message: expect.stringMatching(/forbidden.*reading it by GET and LIST from now on$/) }),
    ]);
    for (const requests of perTick.slice(1)) expect(requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /apis/apps/v1/namespaces/ns/deployments/api', 'GET /api/v1/namespaces/ns/pods', expect.stringMatching(/^DELETE /)]);
  });
});
