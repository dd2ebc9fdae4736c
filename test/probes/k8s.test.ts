import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/core/clock.js';
import { createKillLog, entriesOf } from '../../src/log/entries.js';
import { parseProbes } from '../../src/probes/load.js';
import { createProbeSet } from '../../src/probes/runner.js';
import { startTestApiServer, type TestApiServer } from '../helpers/fake-apiserver.js';

const servers: TestApiServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

async function setup(gitVersion?: string) {
  const api = await startTestApiServer({ timing: 'instant', ...(gitVersion && { kubernetesVersion: gitVersion }) });
  servers.push(api);
  api.sim.addDeployment({ namespace: 'openstack', name: 'keystone', replicas: 3 });
  const slice = (name: string, ready: (boolean | undefined)[]) =>
    api.sim.store.create('endpointslices', {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { namespace: 'openstack', name, labels: { 'kubernetes.io/service-name': 'keystone' } },
      endpoints: ready.map((r, i) => ({ addresses: [`10.0.0.${i + 1}`], conditions: r === undefined ? {} : { ready: r } })),
    } as never);
  slice('keystone-a', [true, false]);
  slice('keystone-b', [undefined]);
  const cluster = await api.connect();
  const run = async (entries: unknown[]) => {
    const log = createKillLog(systemClock);
    const ok = await createProbeSet(parseProbes(entries, 'test'), { clock: systemClock, cwd: process.cwd(), cluster, log }).checkOnce('before', new AbortController().signal);
    return { ok, messages: entriesOf(log.entries(), 'probe').map((p) => p.message) };
  };
  return { api, run };
}

describe('k8s probes (fake API server)', () => {
  it('a workload: available against minAvailable (default: all desired), and all pods Ready', async () => {
    const { run } = await setup();
    expect(await run([{ name: 'k', k8s: { workload: 'deployment/openstack/keystone' } }])).toEqual({ ok: true, messages: ['deployment/openstack/keystone: 3 available (at least 3 wanted)'] });
    expect(await run([{ name: 'k', k8s: { workload: 'deployment/openstack/keystone', minAvailable: 4 } }])).toMatchObject({ ok: false });
    expect(await run([{ name: 'k', k8s: { workload: 'deployment/openstack/keystone', allReady: true } }])).toEqual({ ok: true, messages: ['deployment/openstack/keystone: 3/3 pods Ready (3 desired)'] });
    expect(await run([{ name: 'k', k8s: { workload: 'deployment/openstack/nova' } }])).toEqual({ ok: false, messages: ['deployment/openstack/nova not found'] });
  });

  it('a service: ready endpoints from its EndpointSlices (ready unless marked not ready)', async () => {
    const { run } = await setup();
    expect(await run([{ name: 's', k8s: { service: 'openstack/keystone', minReadyEndpoints: 2 } }])).toEqual({ ok: true, messages: ['service openstack/keystone: 2 ready endpoints (at least 2 wanted)'] });
    expect(await run([{ name: 's', k8s: { service: 'openstack/keystone', minReadyEndpoints: 3 } }])).toMatchObject({ ok: false });
    expect(await run([{ name: 's', k8s: { service: 'openstack/glance' } }])).toEqual({ ok: false, messages: ['service openstack/glance: 0 ready endpoints (at least 1 wanted)'] });
  });

  it('before Kubernetes 1.21 the EndpointSlices are read through discovery.k8s.io/v1beta1', async () => {
    const { api, run } = await setup('v1.20.2');
    expect(await run([{ name: 's', k8s: { service: 'openstack/keystone', minReadyEndpoints: 2 } }])).toMatchObject({ ok: true });
    expect(api.requests().map((r) => r.path).filter((p) => p.includes('endpointslices'))).toEqual([
      '/apis/discovery.k8s.io/v1/namespaces/openstack/endpointslices',
      '/apis/discovery.k8s.io/v1beta1/namespaces/openstack/endpointslices',
    ]);
  });
});
