import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NamespaceScopes } from '../../src/core/namespace-scopes.js';
import type { ScopeState } from '../../src/core/scope-state.js';
import { matchesSelector } from '../../src/kube/selector.js';
import type { LabelSelector, Pod, Workload } from '../../src/kube/types.js';

const pod = (name: string, app: string, extra: Partial<Pod> = {}): Pod => ({
  uid: `uid-${name}`,
  name,
  namespace: 'ns',
  phase: 'Running',
  ready: true,
  deleting: false,
  createdAt: 0,
  nodeName: 'node-1',
  labels: { app },
  annotations: {},
  owner: undefined,
  ...extra,
});

const deployment = (name: string, app = name, available = 2): Workload => ({
  kind: 'deployment',
  namespace: 'ns',
  name,
  uid: `uid-${name}`,
  selector: { matchLabels: { app } },
  labels: {},
  annotations: {},
  generation: 1,
  observedGeneration: 1,
  desired: available,
  current: available,
  updated: available,
  ready: available,
  available,
  revisionsMatch: true,
});

const names = (state: ScopeState | undefined): string[] => [...(state?.pods() ?? [])].map((f) => f.pod.name).sort();

/** Workloads `a` and `b` with two pods each and a pod of neither, listed at t=10, both WATCHes open. */
function listed(): NamespaceScopes {
  const scopes = new NamespaceScopes();
  scopes.listedWorkloads([deployment('a'), deployment('b')], 10);
  scopes.listedPods([pod('a-1', 'a'), pod('a-2', 'a'), pod('b-1', 'b'), pod('b-2', 'b'), pod('loose', 'none')], 10);
  scopes.watching('pods');
  scopes.watching('workload');
  return scopes;
}

describe('NamespaceScopes sorts a namespace into one scope per workload', () => {
  it('each workload gets the pods its selector matches, is synced once both lists arrived and both WATCHes are open', () => {
    const scopes = new NamespaceScopes();
    scopes.listedPods([pod('a-1', 'a'), pod('b-1', 'b')], 5);
    scopes.listedWorkloads([deployment('a'), deployment('b')], 7);
    scopes.watching('pods');
    expect(scopes.synced).toBe(false);
    expect(scopes.known('a')!.synced).toBe(false);
    scopes.watching('workload');
    expect(scopes.synced).toBe(true);
    expect(scopes.known('a')!.synced).toBe(true);
    expect(names(scopes.known('a'))).toEqual(['a-1']);
    expect(names(scopes.known('b'))).toEqual(['b-1']);
    expect(scopes.workloads().map((w) => w.name)).toEqual(['a', 'b']);
  });

  it('an event reaches only the workloads whose pods it changes, with the time it arrived', () => {
    const scopes = listed();
    expect(scopes.sawPod(pod('a-3', 'a', { ready: false }), 20)).toEqual(['a']);
    expect(scopes.sawPod(pod('a-3', 'a', { ready: true }), 35)).toEqual(['a']);
    expect(scopes.known('a')!.pod('uid-a-3')).toMatchObject({ firstSeen: 20, readyAt: 35 });
    expect(scopes.sawPod(pod('loose', 'none', { ready: false }), 40)).toEqual([]);
    expect(scopes.podGone('uid-b-1', 50)).toEqual(['b']);
    expect(scopes.known('b')!.goneAt('uid-b-1')).toBe(50);
    expect(scopes.known('a')!.goneAt('uid-b-1')).toBeUndefined();
  });

  it('a pod relabelled out of a selector is gone from that workload and joins the one it now matches', () => {
    const scopes = listed();
    expect(scopes.sawPod(pod('a-1', 'b'), 30).sort()).toEqual(['a', 'b']);
    expect(scopes.known('a')!.goneAt('uid-a-1')).toBe(30);
    expect(names(scopes.known('a'))).toEqual(['a-2']);
    expect(names(scopes.known('b'))).toEqual(['a-1', 'b-1', 'b-2']);
  });

  it('a workload created again with another selector is refilled by it; a deleted one says so', () => {
    const scopes = listed();
    expect(scopes.sawWorkload(deployment('a', 'none'), 30)).toEqual(['a']);
    expect(names(scopes.known('a'))).toEqual(['loose']);
    expect(scopes.known('a')!.goneAt('uid-a-1')).toBe(30);
    scopes.workloadDeleted('b');
    expect(scopes.known('b')!.workload).toBeUndefined();
    expect(scopes.workloads().map((w) => w.name)).toEqual(['a']);
  });

  it('a workload asked for before it is seen: absent while the list lacks it, filled by its selector, then kept by events', () => {
    const scopes = listed();
    const later = scopes.scope('c', { matchLabels: { app: 'c' } }, 30);
    expect(later.synced).toBe(true);
    expect(later.workload).toBeUndefined();
    scopes.sawPod(pod('c-1', 'c'), 40);
    scopes.sawWorkload(deployment('c'), 45);
    expect(later.workload?.name).toBe('c');
    expect(later.pod('uid-c-1')).toMatchObject({ firstSeen: 40 });
    expect(scopes.scope('c', { matchLabels: { app: 'other' } }, 50)).toBe(later);
  });

  it('a relist (after 410 Gone) keeps the facts of pods still there and marks the missing ones gone at its time', () => {
    const scopes = listed();
    scopes.sawPod(pod('a-3', 'a'), 20);
    expect(scopes.listedPods([pod('a-1', 'a'), pod('a-3', 'a'), pod('b-1', 'b'), pod('b-2', 'b')], 60).sort()).toEqual(['a', 'b']);
    expect(scopes.known('a')!.pod('uid-a-3')).toMatchObject({ firstSeen: 20 });
    expect(scopes.known('a')!.goneAt('uid-a-2')).toBe(60);
    expect(scopes.known('a')!.completeAt).toBe(60);
    expect(names(scopes.known('a'))).toEqual(['a-1', 'a-3']);
  });

  it('matches every kind of selector as the API server would: several labels, expressions only, and none', () => {
    const scopes = new NamespaceScopes();
    const withSelector = (name: string, selector: Workload['selector']): Workload => ({ ...deployment(name), selector });
    scopes.listedWorkloads(
      [
        withSelector('both', { matchLabels: { app: 'a', tier: 'web' } }),
        withSelector('expr', { matchExpressions: [{ key: 'app', operator: 'In', values: ['a', 'b'] }] }),
        withSelector('notb', { matchLabels: { tier: 'web' }, matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['b'] }] }),
        withSelector('all', {}),
      ],
      1,
    );
    scopes.listedPods([pod('a-web', 'a', { labels: { app: 'a', tier: 'web' } }), pod('a-db', 'a', { labels: { app: 'a', tier: 'db' } }), pod('b-web', 'b', { labels: { app: 'b', tier: 'web' } }), pod('c', 'c')], 2);
    expect(names(scopes.known('both'))).toEqual(['a-web']);
    expect(names(scopes.known('expr'))).toEqual(['a-db', 'a-web', 'b-web']);
    expect(names(scopes.known('notb'))).toEqual(['a-web']);
    expect(names(scopes.known('all'))).toEqual(['a-db', 'a-web', 'b-web', 'c']);
    expect(scopes.sawPod(pod('b-web', 'b', { labels: { app: 'c', tier: 'web' } }), 3).sort()).toEqual(['all', 'expr', 'notb']);
    expect(names(scopes.known('notb'))).toEqual(['a-web', 'b-web']);
    expect(names(scopes.known('expr'))).toEqual(['a-db', 'a-web']);
  });
});

describe('NamespaceScopes, property', () => {
  const labels = fc.record({ app: fc.constantFrom('a', 'b', 'c'), tier: fc.constantFrom('web', 'db') }, { requiredKeys: [] });
  const selector: fc.Arbitrary<LabelSelector> = fc.record(
    {
      matchLabels: labels,
      matchExpressions: fc.array(
        fc.oneof(
          fc.record({ key: fc.constantFrom('app', 'tier'), operator: fc.constantFrom('In', 'NotIn'), values: fc.subarray(['a', 'b', 'web'], { minLength: 1 }) }),
          fc.record({ key: fc.constantFrom('app', 'tier'), operator: fc.constantFrom('Exists', 'DoesNotExist') }),
        ),
        { maxLength: 2 },
      ),
    },
    { requiredKeys: [] },
  );
  const uid = fc.constantFrom('p1', 'p2', 'p3', 'p4', 'p5', 'p6');
  const name = fc.constantFrom('w1', 'w2', 'w3');
  const event = fc.oneof(
    fc.record({ op: fc.constant('pod' as const), uid, labels }),
    fc.record({ op: fc.constant('gone' as const), uid }),
    fc.record({ op: fc.constant('workload' as const), name, selector }),
    fc.record({ op: fc.constant('deleted' as const), name }),
    fc.record({ op: fc.constant('relist' as const), keep: fc.subarray(['p1', 'p2', 'p3', 'p4', 'p5', 'p6']) }),
  );

  it('after any sequence of events, each workload holds exactly the pods its selector matches', () => {
    fc.assert(
      fc.property(fc.array(event, { maxLength: 40 }), (events) => {
        const scopes = new NamespaceScopes();
        const pods = new Map<string, Record<string, string>>();
        const selectors = new Map<string, LabelSelector>();
        scopes.listedPods([], 0);
        scopes.listedWorkloads([], 0);
        events.forEach((e, at) => {
          if (e.op === 'pod') {
            pods.set(e.uid, e.labels);
            scopes.sawPod(pod(e.uid, '', { uid: e.uid, labels: e.labels }), at);
          } else if (e.op === 'gone') {
            pods.delete(e.uid);
            scopes.podGone(e.uid, at);
          } else if (e.op === 'workload') {
            selectors.set(e.name, e.selector);
            scopes.sawWorkload({ ...deployment(e.name), selector: e.selector }, at);
          } else if (e.op === 'deleted') {
            scopes.workloadDeleted(e.name);
          } else {
            for (const uid of [...pods.keys()]) if (!e.keep.includes(uid)) pods.delete(uid);
            scopes.listedPods([...pods].map(([uid, l]) => pod(uid, '', { uid, labels: l })), at);
          }
          for (const [workload, sel] of selectors) {
            const expected = [...pods].filter(([, l]) => matchesSelector(l, sel)).map(([uid]) => uid).sort();
            expect([...scopes.known(workload)!.pods()].map((f) => f.pod.uid).sort()).toEqual(expected);
          }
        });
      }),
      { numRuns: 300 },
    );
  });
});
