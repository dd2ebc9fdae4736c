import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/core/clock.js';
import { createKillLog, entriesOf } from '../../src/log/entries.js';
import { parseProbes } from '../../src/probes/load.js';
import { createProbeSet } from '../../src/probes/runner.js';
import { startHttpTarget, type HttpTarget } from './http-target.js';

const targets: HttpTarget[] = [];
afterEach(async () => {
  for (const t of targets.splice(0)) await t.close();
});
const target = async (...args: Parameters<typeof startHttpTarget>) => {
  const t = await startHttpTarget(...args);
  targets.push(t);
  return t;
};

function probeSet(entries: unknown[]) {
  const log = createKillLog(systemClock);
  const set = createProbeSet(parseProbes(entries, 'test'), { clock: systemClock, cwd: process.cwd(), log });
  return { set, log };
}

const never = new AbortController().signal;

describe('probes against real HTTP servers', () => {
  it('the steady state holds when the target answers 2xx, and fails with the status when it does not', async () => {
    const up = await target('up');
    const down = await target('down');
    const ok = probeSet([{ name: 'shop', http: { url: up.url } }]);
    expect(await ok.set.checkOnce('before', never)).toBe(true);
    expect(entriesOf(ok.log.entries(), 'probe-end')).toEqual([expect.objectContaining({ probe: 'shop', phase: 'before', samples: 1, failures: 0, breached: false })]);
    const bad = probeSet([{ name: 'shop', http: { url: down.url } }]);
    expect(await bad.set.checkOnce('before', never)).toBe(false);
    expect(entriesOf(bad.log.entries(), 'probe')).toEqual([expect.objectContaining({ ok: false, message: `GET ${down.url} answered 503, expected 2xx` })]);
  });

  it('a target that cannot be reached is a failed sample, not a crash', async () => {
    const gone = await target('up');
    await gone.close();
    targets.splice(targets.indexOf(gone), 1);
    const { set, log } = probeSet([{ name: 'shop', http: { url: gone.url } }]);
    expect(await set.checkOnce('after', never)).toBe(false);
    expect(entriesOf(log.entries(), 'probe')[0]?.message).toMatch(new RegExp(`^GET ${gone.url}: .*ECONNREFUSED`));
  });

  it('during: a breach of maxFailures calls onAbort once, at the failure that breached it', async () => {
    const shop = await target('up', (n) => (n <= 3 ? 'up' : 'down'));
    const { set, log } = probeSet([{ name: 'shop', http: { url: shop.url }, every: '20ms', tolerance: { maxFailures: 2 }, abort: true }]);
    const reasons: string[] = [];
    let aborted!: () => void;
    const abortSeen = new Promise<void>((resolve) => (aborted = resolve));
    const watch = set.watchDuring({ signal: never, onAbort: (probe, reason) => (reasons.push(`${probe}: ${reason}`), aborted()) });
    await abortSeen;
    await shop.answered(8);
    await watch.stop();
    expect(reasons).toEqual(['shop: probe shop breached (3 of 6 samples failed; tolerance: at most 2 failed)']);
    const end = entriesOf(log.entries(), 'probe-end')[0];
    expect(end).toMatchObject({ probe: 'shop', phase: 'during', breached: true });
    expect(end?.samples).toBeGreaterThanOrEqual(8);
    // Passing samples are aggregated: one entry when the probe starts passing, then one per failure.
    expect(entriesOf(log.entries(), 'probe').filter((p) => p.ok)).toHaveLength(1);
    expect(entriesOf(log.entries(), 'probe').filter((p) => !p.ok)).toHaveLength(end?.failures ?? -1);
  });

  it('during: alternating failures never breach {consecutive: 2}; a probe without abort never calls onAbort', async () => {
    const flaky = await target('up', (n) => (n % 2 === 0 ? 'down' : 'up'));
    const { set, log } = probeSet([
      { name: 'flaky', http: { url: flaky.url }, every: '10ms', tolerance: { consecutive: 2 }, abort: true },
    ]);
    let aborts = 0;
    const watch = set.watchDuring({ signal: never, onAbort: () => void aborts++ });
    await flaky.answered(12);
    await watch.stop();
    expect(aborts).toBe(0);
    expect(entriesOf(log.entries(), 'probe-end')[0]).toMatchObject({ breached: false });
    expect(entriesOf(log.entries(), 'probe-end')[0]?.failures).toBeGreaterThanOrEqual(6);
  });

  it('start-when: waits until the target becomes healthy; gives up after `within`', async () => {
    const warming = await target('down', (n) => (n < 4 ? 'down' : 'up'));
    const ready = probeSet([{ name: 'shop', http: { url: warming.url }, every: '10ms', startWhen: { within: '1m' } }]);
    expect(await ready.set.awaitStart(never)).toBe(true);
    expect(warming.requests).toBe(4);
    expect(entriesOf(ready.log.entries(), 'probe-end')).toEqual([expect.objectContaining({ phase: 'start-when', samples: 4, failures: 3, breached: false })]);

    const dead = await target('down');
    const late = probeSet([{ name: 'shop', http: { url: dead.url }, every: '20ms', startWhen: { within: '100ms' } }]);
    expect(await late.set.awaitStart(never)).toBe(false);
    expect(entriesOf(late.log.entries(), 'probe-end')).toEqual([expect.objectContaining({ phase: 'start-when', failures: dead.requests, breached: true })]);
  });

  it('a timeout longer than setTimeout can wait (600h) does not fire at once', async () => {
    const slow = await target('up');
    const { set, log } = probeSet([{ name: 'slow', http: { url: slow.url, timeout: '600h' } }]);
    expect(await set.checkOnce('before', never)).toBe(true);
    expect(entriesOf(log.entries(), 'probe')[0]).toMatchObject({ ok: true });
  });

  it('body regex and a list of expected statuses', async () => {
    const up = await target('up');
    const good = probeSet([{ name: 'a', http: { url: up.url, expect: [200, 204], body: '^ok' } }]);
    expect(await good.set.checkOnce('before', never)).toBe(true);
    const bad = probeSet([{ name: 'a', http: { url: up.url, body: 'healthy' } }]);
    expect(await bad.set.checkOnce('before', never)).toBe(false);
    expect(entriesOf(bad.log.entries(), 'probe')[0]?.message).toBe(`GET ${up.url} answered 200, body does not match /healthy/`);
  });

  it('cmd probes: exit 0 passes, anything else fails with the command and its last output line', async () => {
    const { set, log } = probeSet([
      { name: 'ok', cmd: { argv: [process.execPath, '-e', '0'] } },
      { name: 'bad', cmd: { shell: 'echo broken >&2; exit 3' } },
    ]);
    expect(await set.checkOnce('before', never)).toBe(false);
    const failed = entriesOf(log.entries(), 'probe').filter((p) => !p.ok);
    expect(failed.map((p) => p.probe)).toEqual(['bad']);
    expect(failed[0]?.message).toMatch(/^echo broken >&2; exit 3: .*3.*: broken$/);
  });
});
