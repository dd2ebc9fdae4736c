import { describe, expect, it } from 'vitest';
import { createAvailabilityLedger } from '../../src/core/ledger.js';
import type { Pod, WorkloadRef } from '../../src/kube/types.js';
import { flushPromises } from '../helpers/fake-clock.js';
import { podFixture } from '../helpers/memory-cluster.js';

const web: WorkloadRef = { kind: 'deployment', namespace: 'ns', name: 'web' };
const db: WorkloadRef = { kind: 'statefulset', namespace: 'ns', name: 'db' };
const pod = (name: string, patch: Partial<Pod> = {}): Pod => podFixture({ namespace: 'ns', name, uid: `uid-${name}`, ...patch });
const three = [pod('web-0'), pod('web-1'), pod('web-2')];
const uids = (pods: Pod[]) => pods.map((p) => p.uid);

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('availability ledger: one turn per workload', () => {
  it('decisions about one workload never overlap, in any run; other workloads go on meanwhile', async () => {
    const ledger = createAvailabilityLedger();
    const [a, b] = [ledger.openRun({ dryRun: false }), ledger.openRun({ dryRun: false })];
    const events: string[] = [];
    const first = deferred();
    const decide = (name: string, hold?: Promise<void>) => async () => {
      events.push(`${name} in`);
      await hold;
      events.push(`${name} out`);
    };
    const all = Promise.all([a.serialize(web, decide('a1', first.promise)), b.serialize(web, decide('b1')), a.serialize(web, decide('a2')), b.serialize(db, decide('db'))]);
    await flushPromises();
    expect(events).toEqual(['a1 in', 'db in', 'db out']);
    first.resolve();
    await all;
    expect(events).toEqual(['a1 in', 'db in', 'db out', 'a1 out', 'b1 in', 'b1 out', 'a2 in', 'a2 out']);
  });

  it('a waiter whose signal aborts leaves at once with the reason; those behind it still wait their turn', async () => {
    const run = createAvailabilityLedger().openRun({ dryRun: false });
    const holder = deferred();
    const events: string[] = [];
    const held = run.serialize(web, async () => holder.promise);
    const abort = new AbortController();
    const waiting = run.serialize(web, async () => void events.push('aborted one ran'), abort.signal);
    const last = run.serialize(web, async () => void events.push('last ran'));
    abort.abort(new Error('interrupted by SIGTERM'));
    await expect(waiting).rejects.toMatchObject({ code: 'cancelled', message: 'cancelled: waiting to decide about deployment/ns/web' });
    await flushPromises();
    expect(events).toEqual([]);
    holder.resolve();
    await Promise.all([held, last]);
    expect(events).toEqual(['last ran']);
  });
});

describe('availability ledger: what a floor decision may count on', () => {
  it('min(reported, Ready pods seen that are not victims of kills still counting)', () => {
    const run = createAvailabilityLedger().openRun({ dryRun: false });
    expect(run.assess(web, 3, three).available).toBe(3);
    expect(run.assess(web, 2, three).available).toBe(2);
    run.recordKill(web, three[0]!, uids(three));
    // A status from before the kill, and a LIST that still shows the victim Ready (a dry run, or a stale read).
    const view = run.assess(web, 3, three);
    expect(view.available).toBe(2);
    expect(view.isVictim('uid-web-0')).toBe(true);
    // The same kill once the LIST shows it: counted once, not twice.
    expect(run.assess(web, 3, [pod('web-0', { deleting: true, ready: false }), ...three.slice(1)]).available).toBe(2);
    expect(run.assess(db, 3, [pod('db-0'), pod('db-1'), pod('db-2')]).available).toBe(3);
  });

  it('an untracked kill counts until a LIST shows its victim gone and a Ready replacement; one replacement ends one kill', () => {
    const run = createAvailabilityLedger().openRun({ dryRun: false });
    run.recordKill(web, three[0]!, uids(three));
    run.recordKill(web, three[1]!, uids(three));
    const pending = pod('web-3', { phase: 'Pending', ready: false });
    expect(run.assess(web, 3, [three[2]!, pending]).available).toBe(1);
    const one = run.assess(web, 3, [three[2]!, pod('web-3'), pod('web-4', { phase: 'Pending', ready: false })]);
    expect(one.isVictim('uid-web-0')).toBe(false);
    expect(one.isVictim('uid-web-1')).toBe(true);
    const both = run.assess(web, 3, [three[2]!, pod('web-3'), pod('web-4')]);
    expect(both.isVictim('uid-web-1')).toBe(false);
    expect(both.available).toBe(3);
  });

  it('a tracked kill ends only by its tracker: recovered stops it, unrecovered counts until the run closes', () => {
    const ledger = createAvailabilityLedger();
    const run = ledger.openRun({ dryRun: false });
    const other = ledger.openRun({ dryRun: false });
    run.recordKill(web, three[0]!, uids(three));
    run.tracking(three[0]!);
    run.recordKill(web, three[1]!, uids(three));
    run.tracking(three[1]!);
    const replaced = [three[2]!, pod('web-3'), pod('web-4')];
    expect(run.assess(web, 3, [...three]).available).toBe(1);
    run.settled(three[0]!, true);
    run.settled(three[1]!, false);
    expect(other.assess(web, 3, three).isVictim('uid-web-0')).toBe(false);
    expect(other.assess(web, 3, replaced.concat(three[1]!)).isVictim('uid-web-1')).toBe(true);
    run.close();
    expect(other.assess(web, 3, three).available).toBe(3);
  });

  it("dry-run kills count for their own run only; real kills count for every run of the ledger", () => {
    const ledger = createAvailabilityLedger();
    const dry = ledger.openRun({ dryRun: true });
    const otherDry = ledger.openRun({ dryRun: true });
    const real = ledger.openRun({ dryRun: false });
    dry.recordKill(web, three[0]!, uids(three));
    expect(dry.assess(web, 3, three).available).toBe(2);
    expect(otherDry.assess(web, 3, three).available).toBe(3);
    expect(real.assess(web, 3, three).available).toBe(3);
    real.recordKill(web, three[1]!, uids(three));
    expect(dry.assess(web, 3, three).available).toBe(1);
    expect(otherDry.assess(web, 3, three).available).toBe(2);
  });

  it('killedSince: a status read before a kill of the workload that this run counts is out of date', () => {
    const ledger = createAvailabilityLedger();
    const run = ledger.openRun({ dryRun: false });
    const dry = ledger.openRun({ dryRun: true });
    const mark = run.mark();
    dry.recordKill(web, three[0]!, uids(three));
    expect(run.killedSince(web, mark)).toBe(false);
    run.recordKill(db, pod('db-0'), []);
    expect(run.killedSince(web, mark)).toBe(false);
    run.recordKill(web, three[1]!, uids(three));
    expect(run.killedSince(web, mark)).toBe(true);
    expect(run.killedSince(web, run.mark())).toBe(false);
  });
});
