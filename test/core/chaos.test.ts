import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { fromNodeExecFile } from '../../src/config/normalize.js';
import { nodeExecFileSchema, type Cookie } from '../../src/config/schema.js';
import { startChaos, type ChaosOptions, type NodeExecRunner } from '../../src/core/chaos.js';
import { seededRng } from '../../src/core/rng.js';
import { CookieError } from '../../src/errors.js';
import { createKillLog, entriesOf, type KillLog } from '../../src/log/entries.js';
import { createFakeClock, flushPromises, type FakeClock } from '../helpers/fake-clock.js';
import { createMemoryCluster, type MemoryCluster } from '../helpers/memory-cluster.js';
import { cookieFrom, defaultBiteOptions } from './bite-context.js';

interface Run {
  cluster: MemoryCluster;
  clock: FakeClock;
  log: KillLog;
  start: (cookies: Cookie[], options?: Partial<ChaosOptions>, extra?: { signal?: AbortSignal; nodeExec?: NodeExecRunner }) => ReturnType<typeof startChaos>;
}

function setup(seed = 1): Run {
  const cluster = createMemoryCluster();
  const clock = createFakeClock();
  const log = createKillLog(clock);
  return {
    cluster,
    clock,
    log,
    start: (cookies, options = {}, extra = {}) =>
      startChaos(
        cookies,
        { cluster, clock, rng: seededRng(seed), log, nodeExec: extra.nodeExec },
        { ...defaultBiteOptions, ...options },
        { signal: extra.signal },
      ),
  };
}

const stops = (log: KillLog) => entriesOf(log.entries(), 'cookie-stop').map(({ at: _at, kind: _kind, ...rest }) => rest);
const ticksOf = (log: KillLog) => [...new Set(log.entries().flatMap((e) => ('tick' in e && e.tick !== undefined ? [`${e.at}:${e.tick}`] : [])))];

describe('startChaos: every cookie on its own timer loop', () => {
  it('interval 30 s for 120 s: 4 ticks at 0, 30, 60, 90 s, start and stop entries with counts', async () => {
    const run = setup();
    run.cluster.addWorkload({ kind: 'deployment', namespace: 'ns', name: 'api', replicas: 10 });
    const chaos = run.start([cookieFrom({ name: 'api', kind: 'deployment', namespace: 'ns', interval: 30, duration: 120 }, 'api-killer')]);
    await run.clock.advance(120_000);
    await chaos.done;
    expect(entriesOf(run.log.entries(), 'cookie-start')).toEqual([
      {
        kind: 'cookie-start',
        at: 0,
        cookie: 'api-killer',
        group: 'killpod',
        scope: { group: 'killpod', kind: 'deployment', namespace: 'ns', workload: 'api', count: { mode: 'fixed', n: 1 } },
        target: '1 pod of deployment/api in ns',
        intervalMs: 30_000,
        durationMs: 120_000,
        dryRun: false,
      },
    ]);
    expect(entriesOf(run.log.entries(), 'bite').map((e) => [e.at, e.tick])).toEqual([
      [0, 0],
      [30_000, 1],
      [60_000, 2],
      [90_000, 3],
    ]);
    expect(stops(run.log)).toEqual([{ cookie: 'api-killer', reason: 'duration', bites: 4, skips: 0, errors: 0 }]);
    expect(entriesOf(run.log.entries(), 'cookie-stop')[0]?.at).toBe(120_000);
    expect(run.clock.pendingSleeps()).toBe(0);
  });

  it('kills until the floor, then skips with the original words', async () => {
    const run = setup();
    run.cluster.addWorkload({ kind: 'deployment', namespace: 'ns', name: 'api', replicas: 3 });
    const chaos = run.start([cookieFrom({ name: 'api', kind: 'deployment', namespace: 'ns', interval: 10, duration: 40 })]);
    await run.clock.advance(40_000);
    await chaos.done;
    expect(entriesOf(run.log.entries(), 'skip').map((e) => e.message)).toEqual([
      'Only one pod available, doing nothing',
      'Only one pod available, doing nothing',
    ]);
    expect(stops(run.log)).toEqual([{ cookie: 'test-cookie', reason: 'duration', bites: 2, skips: 2, errors: 0 }]);
  });

  it('an API error is an error entry and the loop goes on', async () => {
    const run = setup();
    run.cluster.addWorkload({ kind: 'deployment', namespace: 'ns', name: 'api', replicas: 10 });
    run.cluster.failNext('listPods', new CookieError('server-error', 'the server answered 503'));
    const chaos = run.start([cookieFrom({ name: 'api', kind: 'deployment', namespace: 'ns', interval: 10, duration: 30 })]);
    await run.clock.advance(30_000);
    await chaos.done;
    expect(run.log.entries().filter((e) => e.kind === 'error' || e.kind === 'bite').map((e) => `${e.kind}@${e.at}`)).toEqual([
      'error@0',
      'bite@10000',
      'bite@20000',
    ]);
    expect(stops(run.log)).toEqual([{ cookie: 'test-cookie', reason: 'duration', bites: 2, skips: 0, errors: 1 }]);
  });

  it('--chaos-duration caps a cookie that would run until stopped', async () => {
    const run = setup();
    run.cluster.addWorkload({ kind: 'deployment', namespace: 'ns', name: 'api', replicas: 10 });
    const chaos = run.start([cookieFrom({ name: 'api', kind: 'deployment', namespace: 'ns', interval: 20 })], { chaosDurationMs: 50_000 });
    expect(entriesOf(run.log.entries(), 'cookie-start')[0]?.durationMs).toBe(50_000);
    await run.clock.advance(50_000);
    await chaos.done;
    expect(stops(run.log)).toEqual([{ cookie: 'test-cookie', reason: 'duration', bites: 3, skips: 0, errors: 0 }]);
  });

  it('stop() during a sleep ends every cookie at once, with reason "stopped"', async () => {
    const run = setup();
    run.cluster.addWorkload({ kind: 'deployment', namespace: 'ns', name: 'api', replicas: 10 });
    const chaos = run.start([
      cookieFrom({ name: 'api', kind: 'deployment', namespace: 'ns', interval: 60 }, 'a'),
      cookieFrom({ name: 'api', kind: 'deployment', namespace: 'ns', interval: 45 }, 'b'),
    ]);
    await run.clock.advance(50_000);
    await chaos.stop();
    expect(run.clock.now()).toBe(50_000);
    expect(stops(run.log)).toEqual([
      { cookie: 'a', reason: 'stopped', bites: 1, skips: 0, errors: 0 },
      { cookie: 'b', reason: 'stopped', bites: 2, skips: 0, errors: 0 },
    ]);
    expect(run.clock.pendingSleeps()).toBe(0);
  });

  it('stop() while a kill is in flight waits for it; no new tick starts', async () => {
    const run = setup();
    run.cluster.addWorkload({ kind: 'deployment', namespace: 'ns', name: 'api', replicas: 10 });
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    run.cluster.beforeCall = (method) => (method === 'deletePod' ? held : Promise.resolve());
    const chaos = run.start([cookieFrom({ name: 'api', kind: 'deployment', namespace: 'ns', interval: 1 })]);
    await flushPromises();
    let stopped = false;
    const stopping = chaos.stop().then(() => (stopped = true));
    await run.clock.advance(5_000);
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(stops(run.log)).toEqual([{ cookie: 'test-cookie', reason: 'stopped', bites: 1, skips: 0, errors: 0 }]);
  });

  it('the abort signal ends cookies as "aborted", cancels their requests and leaves no listener behind', async () => {
    const run = setup();
    run.cluster.addWorkload({ kind: 'deployment', namespace: 'ns', name: 'api', replicas: 10 });
    const controller = new AbortController();
    const chaos = run.start([cookieFrom({ name: 'api', kind: 'deployment', namespace: 'ns', interval: 10 })], {}, { signal: controller.signal });
    await run.clock.advance(10_000);
    controller.abort(new CookieError('cancelled', 'interrupted by SIGINT'));
    await chaos.done;
    expect(stops(run.log)).toEqual([{ cookie: 'test-cookie', reason: 'aborted', bites: 2, skips: 0, errors: 0 }]);
    const signals = run.cluster.calls.map((c) => c.method);
    expect(signals.filter((m) => m === 'deletePod')).toHaveLength(2);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    expect(run.clock.pendingSleeps()).toBe(0);
  });

  describe('nodeexec cookies', () => {
    const exec = fromNodeExecFile('test-exec-all', 'cookies.d/nodeexec/test-exec-all.json', nodeExecFileSchema.parse({ target: 'all', commands: [{ command: 'uptime' }] }));

    it('without an exec runner: an error entry, and the other cookies still run', async () => {
      const run = setup();
      run.cluster.addWorkload({ kind: 'deployment', namespace: 'ns', name: 'api', replicas: 10 });
      const chaos = run.start([exec, cookieFrom({ name: 'api', kind: 'deployment', namespace: 'ns', interval: 10, duration: 20 })]);
      await run.clock.advance(20_000);
      await chaos.done;
      expect(entriesOf(run.log.entries(), 'error')).toEqual([expect.objectContaining({ cookie: 'test-exec-all', code: 'usage' })]);
      expect(stops(run.log)).toEqual([
        { cookie: 'test-exec-all', reason: 'duration', bites: 0, skips: 0, errors: 1 },
        { cookie: 'test-cookie', reason: 'duration', bites: 2, skips: 0, errors: 0 },
      ]);
    });

    it('a runner that throws is recorded, not a crash of the run', async () => {
      const run = setup();
      const chaos = run.start([exec], {}, { nodeExec: async () => Promise.reject(new Error('exec worker not found')) });
      await chaos.done;
      expect(entriesOf(run.log.entries(), 'error')).toEqual([
        expect.objectContaining({ cookie: 'test-exec-all', code: 'internal', message: 'exec worker not found' }),
      ]);
      expect(stops(run.log)).toEqual([{ cookie: 'test-exec-all', reason: 'duration', bites: 0, skips: 0, errors: 1 }]);
    });

    /** A runner whose command ends when `finish` is called or the signal fires, like a node command in flight. */
    const commandInFlight = () => {
      let finish: () => void = () => undefined;
      let started: () => void = () => undefined;
      const isStarted = new Promise<void>((resolve) => (started = resolve));
      const runner: NodeExecRunner = async (cookie, ctx) => {
        started();
        const how = await new Promise<'finished' | 'cancelled'>((resolve) => {
          finish = () => resolve('finished');
          ctx.signal?.addEventListener('abort', () => resolve('cancelled'), { once: true });
        });
        ctx.log.append({ kind: 'exec', cookie: cookie.name, node: 'node-1', command: ['uptime'], exitCode: how === 'finished' ? 0 : null, cancelled: how === 'cancelled', dryRun: false, stdout: '', stderr: '' });
      };
      return { runner, isStarted, finish: () => finish() };
    };

    it('a graceful stop lets the command in flight finish with its own exit code', async () => {
      const run = setup();
      const controller = new AbortController();
      const command = commandInFlight();
      const chaos = run.start([exec], {}, { signal: controller.signal, nodeExec: command.runner });
      await command.isStarted;
      let stopped = false;
      const stopping = chaos.stop().then(() => (stopped = true));
      await flushPromises();
      expect(stopped).toBe(false);
      command.finish();
      await stopping;
      expect(entriesOf(run.log.entries(), 'exec')).toEqual([expect.objectContaining({ exitCode: 0, cancelled: false })]);
      expect(stops(run.log)).toEqual([{ cookie: 'test-exec-all', reason: 'duration', bites: 0, skips: 0, errors: 0 }]);
    });

    it('the abort signal cancels the command in flight: recorded as cancelled, the cookie as aborted', async () => {
      const run = setup();
      const controller = new AbortController();
      const command = commandInFlight();
      const chaos = run.start([exec], {}, { signal: controller.signal, nodeExec: command.runner });
      await command.isStarted;
      controller.abort();
      await chaos.done;
      expect(entriesOf(run.log.entries(), 'exec')).toEqual([expect.objectContaining({ exitCode: null, cancelled: true })]);
      expect(stops(run.log)).toEqual([{ cookie: 'test-exec-all', reason: 'aborted', bites: 0, skips: 0, errors: 0 }]);
    });
  });
});

describe('--seed: the same seed replays the same victims', () => {
  const victimsBy = (log: KillLog) => {
    const byCookie: Record<string, string[]> = {};
    for (const e of entriesOf(log.entries(), 'bite')) (byCookie[e.cookie] ??= []).push(`${e.tick}:${e.pod.name}`);
    return byCookie;
  };

  async function replay(seed: number, slowNamespace?: string) {
    const run = setup(seed);
    for (const ns of ['a', 'b']) {
      for (const name of ['api', 'web', 'db']) run.cluster.addWorkload({ kind: 'deployment', namespace: ns, name, replicas: 6 });
    }
    if (slowNamespace) {
      // Cookie a's API calls answer later than cookie b's: the order of calls across cookies changes.
      run.cluster.beforeCall = async (_method, args) => {
        if (args[0] === slowNamespace) for (let i = 0; i < 20; i++) await Promise.resolve();
      };
    }
    const cookies = ['a', 'b'].map((ns) => cookieFrom({ name: '', kind: 'deployment', namespace: ns, interval: 10, duration: 50, target: 'max 50%' }, `random-${ns}`));
    const chaos = run.start(cookies, { dryRun: true });
    await run.clock.advance(50_000);
    await chaos.done;
    return { victims: victimsBy(run.log), ticks: ticksOf(run.log) };
  }

  it('same seed → same victim sequence, per cookie and per tick', async () => {
    const first = await replay(42);
    const second = await replay(42);
    expect(second).toEqual(first);
    expect(first.victims['random-a']?.length).toBeGreaterThanOrEqual(5);
  });

  it('…however the cookies’ API calls interleave', async () => {
    const plain = await replay(42);
    const slowed = await replay(42, 'a');
    expect(slowed.victims).toEqual(plain.victims);
  });

  it('another seed → other victims', async () => {
    expect((await replay(43)).victims).not.toEqual((await replay(42)).victims);
  });
});
