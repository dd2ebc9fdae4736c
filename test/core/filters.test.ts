import { describe, expect, it } from 'vitest';
import {
  excludeSelf,
  filterByAnnotations,
  filterByMinAge,
  filterByName,
  filterRunning,
  selectCandidates,
} from '../../src/core/filters.js';
import type { Pod } from '../../src/kube/types.js';
import { podFixture } from '../helpers/memory-cluster.js';

const pod = (name: string, extra: Partial<Pod> = {}): Pod => podFixture({ namespace: 'openstack', name, ...extra });

const names = (pods: readonly Pod[]) => pods.map((p) => p.name);
const minute = 60_000;

describe('filterRunning: only pods that really serve', () => {
  it.each<[string, Partial<Pod>, boolean]>([
    ['Running', {}, true],
    ['Running but not ready yet', { ready: false }, true],
    ['Pending', { phase: 'Pending' }, false],
    ['Succeeded', { phase: 'Succeeded' }, false],
    ['Failed', { phase: 'Failed' }, false],
    ['Unknown', { phase: 'Unknown' }, false],
    ['Running and terminating', { deleting: true }, false],
  ])('%s → %s', (_label, extra, kept) => {
    expect(names(filterRunning([pod('a', extra)]))).toEqual(kept ? ['a'] : []);
  });
});

describe('filterByAnnotations', () => {
  const pods = [
    pod('plain'),
    pod('opted-in', { annotations: { 'chaos/allowed': 'true' } }),
    pod('opted-out', { annotations: { 'chaos/allowed': 'false' } }),
    pod('both', { annotations: { 'chaos/allowed': 'true', tier: 'web' } }),
  ];
  it.each<[string, Record<string, string> | undefined, string[]]>([
    ['no criteria', undefined, ['plain', 'opted-in', 'opted-out', 'both']],
    ['empty criteria', {}, ['plain', 'opted-in', 'opted-out', 'both']],
    ['one annotation', { 'chaos/allowed': 'true' }, ['opted-in', 'both']],
    ['every annotation must match', { 'chaos/allowed': 'true', tier: 'web' }, ['both']],
    ['value must match exactly', { 'chaos/allowed': 'True' }, []],
  ])('%s', (_label, annotations, expected) => {
    expect(names(filterByAnnotations(pods, annotations))).toEqual(expected);
  });
});

describe('filterByName', () => {
  const pods = [pod('api-7d9f-abc'), pod('api-worker-1'), pod('db-0'), pod('web-api-2')];
  it.each<[string | undefined, string[]]>([
    [undefined, ['api-7d9f-abc', 'api-worker-1', 'db-0', 'web-api-2']],
    ['', ['api-7d9f-abc', 'api-worker-1', 'db-0', 'web-api-2']],
    ['api', ['api-7d9f-abc', 'api-worker-1', 'web-api-2']],
    ['^api-', ['api-7d9f-abc', 'api-worker-1']],
    ['^api-[0-9a-f]{4}-', ['api-7d9f-abc']],
    ['-\\d$', ['api-worker-1', 'db-0', 'web-api-2']],
    ['^nothing$', []],
  ])('%j', (pattern, expected) => {
    expect(names(filterByName(pods, pattern))).toEqual(expected);
  });
});

describe('filterByMinAge, with an injected now', () => {
  const now = 1_000_000_000;
  const pods = [
    pod('old', { createdAt: now - 10 * minute }),
    pod('exactly-5m', { createdAt: now - 5 * minute }),
    pod('young', { createdAt: now - 30_000 }),
    pod('unknown-age', { createdAt: undefined }),
  ];
  it.each<[number | undefined, string[]]>([
    [undefined, ['old', 'exactly-5m', 'young', 'unknown-age']],
    [0, ['old', 'exactly-5m', 'young', 'unknown-age']],
    [5 * minute, ['old', 'exactly-5m']],
    [20 * minute, []],
  ])('min age %j ms', (minAge, expected) => {
    expect(names(filterByMinAge(pods, minAge, now))).toEqual(expected);
  });
});

describe('excludeSelf', () => {
  const pods = [pod('cookiemonster-0'), pod('cookiemonster-0', { namespace: 'other' }), pod('api-0')];
  it.each<[{ namespace: string; name: string } | undefined, string[]]>([
    [undefined, ['openstack/cookiemonster-0', 'other/cookiemonster-0', 'openstack/api-0']],
    [{ namespace: 'openstack', name: 'cookiemonster-0' }, ['other/cookiemonster-0', 'openstack/api-0']],
    [{ namespace: 'nowhere', name: 'cookiemonster-0' }, ['openstack/cookiemonster-0', 'other/cookiemonster-0', 'openstack/api-0']],
  ])('self %j', (self, expected) => {
    expect(excludeSelf(pods, self).map((p) => `${p.namespace}/${p.name}`)).toEqual(expected);
  });
});

describe('selectCandidates: every filter chained', () => {
  const now = 10 * minute;
  const pods = [
    pod('api-0', { annotations: { chaos: 'yes' }, createdAt: 0 }),
    pod('api-1', { annotations: { chaos: 'yes' }, createdAt: 0, phase: 'Pending' }),
    pod('api-2', { annotations: { chaos: 'yes' }, createdAt: 0, deleting: true }),
    pod('api-3', { annotations: { chaos: 'no' }, createdAt: 0 }),
    pod('api-4', { annotations: { chaos: 'yes' }, createdAt: 9 * minute }),
    pod('web-5', { annotations: { chaos: 'yes' }, createdAt: 0 }),
    pod('api-6', { annotations: { chaos: 'yes' }, createdAt: 0 }),
  ];

  it('no criteria: running, not terminating', () => {
    expect(names(selectCandidates(pods, {}, now))).toEqual(['api-0', 'api-3', 'api-4', 'web-5', 'api-6']);
  });

  it('all criteria at once', () => {
    const candidates = selectCandidates(
      pods,
      { annotations: { chaos: 'yes' }, podNamePattern: '^api-', minPodAgeMs: 5 * minute, self: { namespace: 'openstack', name: 'api-6' } },
      now,
    );
    expect(names(candidates)).toEqual(['api-0']);
  });

  it('never mutates its input', () => {
    const copy = structuredClone(pods);
    selectCandidates(pods, { podNamePattern: 'api', minPodAgeMs: 1 }, now);
    expect(pods).toEqual(copy);
  });
});
