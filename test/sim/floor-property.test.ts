import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { KillPodCookie } from '../../src/config/schema.js';
import { quorumOf } from '../../src/core/safety.js';
import type { WorkloadKind } from '../../src/kube/types.js';
import { entriesOf } from '../../src/log/entries.js';
import { cookieFrom } from '../core/bite-context.js';
import { watchServingPods } from '../helpers/serving-pods.js';
import { runOnSimulation, sampleSimulation } from '../helpers/sim-run.js';

/** The sample cluster's workloads in `openstack` and their replicas. */
const sample: { kind: WorkloadKind; name: string; desired: number }[] = [
  { kind: 'deployment', name: 'keystone', desired: 3 },
  { kind: 'deployment', name: 'nova-api', desired: 3 },
  { kind: 'deployment', name: 'glance-api', desired: 2 },
  { kind: 'deployment', name: 'horizon', desired: 1 },
  { kind: 'statefulset', name: 'mariadb', desired: 3 },
  { kind: 'statefulset', name: 'rabbitmq', desired: 3 },
  { kind: 'daemonset', name: 'openvswitch-agent', desired: 3 },
];

const cookieFile = fc.record({
  aim: fc.oneof(
    fc.constantFrom(...sample).map(({ kind, name }) => ({ kind, name })),
    fc.constantFrom<WorkloadKind>('deployment', 'statefulset', 'daemonset').map((kind) => ({ kind, name: '' })),
  ),
  target: fc.oneof(fc.integer({ min: 1, max: 4 }), fc.constant('all'), fc.integer({ min: 1, max: 100 }).map((p) => `${p}%`), fc.integer({ min: 1, max: 100 }).map((p) => `max ${p}%`)),
  intervalMs: fc.integer({ min: 100, max: 1_500 }),
  mode: fc.constantFrom('delete', 'evict'),
  gracePeriod: fc.option(fc.constantFrom(0, 1, 30), { nil: undefined }),
  safety: fc.record({ minAvailable: fc.integer({ min: 1, max: 3 }), quorum: fc.boolean() }),
});

const timing = fc.record({
  replaceDelayMs: fc.integer({ min: 5, max: 600 }),
  readyDelayMs: fc.integer({ min: 20, max: 2_500 }),
  statusDelayMs: fc.integer({ min: 5, max: 80 }),
  terminationDelayMs: fc.integer({ min: 0, max: 1_500 }),
});

type CookieFile = typeof cookieFile extends fc.Arbitrary<infer T> ? T : never;

function toCookie(file: CookieFile, i: number): KillPodCookie {
  const { aim, intervalMs, gracePeriod, ...rest } = file;
  return cookieFrom({ ...rest, name: aim.name, kind: aim.kind, namespace: 'openstack', interval: `${intervalMs}ms`, ...(gracePeriod !== undefined && { gracePeriod }) }, `cookie-${i}`);
}

/** The lowest floor any cookie that may aim at `workload` keeps; undefined when none may. */
function floorOf(workload: (typeof sample)[number], files: CookieFile[]): number | undefined {
  const floors = files
    .filter((f) => f.aim.kind === workload.kind && (f.aim.name === '' || f.aim.name === workload.name))
    .map((f) => Math.max(1, f.safety.minAvailable - 1, f.safety.quorum ? quorumOf(workload.desired) : 0));
  return floors.length > 0 ? Math.min(...floors) : undefined;
}

describe('property: overlapping cookies against a simulator that lags like a real control plane', () => {
  it('Ready pods of a workload never fall below its floor, never to zero; workloads no cookie aims at keep every pod', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(cookieFile, { minLength: 2, maxLength: 5 }), timing, fc.integer({ min: 1, max: 2 ** 30 }), async (files, t, seed) => {
        const { replaceDelayMs, readyDelayMs, ...controlPlane } = t;
        const { sim, clock } = sampleSimulation({ seed, controllers: { replaceDelayMs, readyDelayMs }, timing: controlPlane });
        const serving = watchServingPods(sim, 'openstack');
        try {
          const { report } = await runOnSimulation(sim, clock, files.map(toCookie), { seed, chaosDurationMs: 4_000 });
          expect(entriesOf(report.entries, 'error')).toEqual([]);
        } finally {
          serving.stop();
          sim.dispose();
        }
        const lowest = serving.lowest();
        for (const workload of sample) {
          const floor = floorOf(workload, files);
          const key = `${workload.kind}/${workload.name}`;
          expect(lowest[key], key).toBeGreaterThanOrEqual(floor === undefined ? workload.desired : Math.min(floor, workload.desired));
          expect(lowest[key], key).toBeGreaterThan(0);
        }
      }),
      { numRuns: 150 },
    );
  });
});
