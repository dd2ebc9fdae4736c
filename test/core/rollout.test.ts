import { describe, expect, it } from 'vitest';
import { rolloutStatus } from '../../src/core/rollout.js';
import { parseCheckTarget } from '../../src/core/deploy-check.js';
import type { Workload } from '../../src/kube/types.js';

const base: Workload = {
  kind: 'deployment',
  namespace: 'openstack',
  name: 'keystone',
  uid: 'u1',
  selector: { matchLabels: { app: 'keystone' } },
  labels: {},
  annotations: {},
  generation: 2,
  observedGeneration: 2,
  desired: 3,
  current: 3,
  updated: 3,
  ready: 3,
  available: 3,
  revisionsMatch: true,
};

describe('rolloutStatus', () => {
  it.each([
    ['deployment', {}, true, 'successfully rolled out (3/3 available)'],
    ['deployment', { observedGeneration: 1 }, false, 'waiting for the spec update to be observed'],
    ['deployment', { updated: 2 }, false, '2 out of 3 new replicas have been updated'],
    ['deployment', { current: 4 }, false, '1 old replicas are pending termination'],
    ['deployment', { available: 2 }, false, '2 of 3 updated replicas are available'],
    ['statefulset', { ready: 2 }, false, '2 of 3 pods are ready'],
    ['statefulset', { revisionsMatch: false }, false, 'waiting for the rolling update to complete'],
    ['statefulset', { available: 0 }, true, 'rolled out (3/3 ready)'],
    ['daemonset', { updated: 1 }, false, '1 out of 3 new pods have been updated'],
    ['daemonset', { available: 2 }, false, '2 of 3 updated pods are available'],
    ['daemonset', {}, true, 'successfully rolled out (3/3 available)'],
  ] as const)('%s %o → ready %s', (kind, change, ready, text) => {
    const state = rolloutStatus({ ...base, kind, ...change });
    expect(state.ready).toBe(ready);
    expect(state.message).toContain(text);
  });
});

describe('parseCheckTarget', () => {
  it.each([
    ['openstack', { type: 'namespace', namespace: 'openstack' }],
    ['openstack/statefulset', { type: 'kind', namespace: 'openstack', kind: 'statefulset' }],
    ['deployment/openstack/keystone', { type: 'workload', ref: { kind: 'deployment', namespace: 'openstack', name: 'keystone' } }],
    ['openstack/daemonset/ovs', { type: 'workload', ref: { kind: 'daemonset', namespace: 'openstack', name: 'ovs' } }],
  ])('%s', (text, target) => {
    expect(parseCheckTarget(text)).toEqual(target);
  });

  it.each(['a/b', 'pod/x/y', 'a/b/c/d', ''])('rejects %j with the expected forms', (text) => {
    expect(() => parseCheckTarget(text)).toThrow(/--check: expected "deployment\/NAMESPACE\/NAME", "NAMESPACE\/KIND" or "NAMESPACE", got/);
  });
});
