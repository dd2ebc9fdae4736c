import { describe, expect, it } from 'vitest';
import type { Cluster, LabelSelector } from '../../src/kube/types.js';
import { credentialModes, useFakeApiServer } from '../helpers/fake-apiserver.js';

describe.each(credentialModes)('over %s credentials', (credentials) => {
  const api = useFakeApiServer({}, { credentials });
  const podRequests = () => api.server.requests().filter((r) => r.path.includes('/pods'));

  async function seeded(): Promise<Cluster> {
    const { sim } = api.server;
    sim.addNode('node-1');
    sim.addNode('node-2');
    sim.addDeployment({ namespace: 'openstack', name: 'keystone', replicas: 3, ready: 2 });
    sim.addStatefulSet({ namespace: 'openstack', name: 'mariadb', replicas: 3 });
    sim.addDaemonSet({ namespace: 'openstack', name: 'ovs', nodes: ['node-1', 'node-2'] });
    return api.server.connect();
  }

  describe('workloads', () => {
    it('maps the three kinds with their rollout status fields', async () => {
      const cluster = await seeded();
      const deployment = await cluster.getWorkload({ kind: 'deployment', namespace: 'openstack', name: 'keystone' });
      expect(deployment).toMatchObject({ kind: 'deployment', desired: 3, current: 3, updated: 3, ready: 2, available: 2, generation: 1, observedGeneration: 1, revisionsMatch: true });
      expect(deployment?.selector).toEqual({ matchLabels: { app: 'keystone' } });
      const [sts] = await cluster.listWorkloads('openstack', 'statefulset');
      expect(sts).toMatchObject({ name: 'mariadb', desired: 3, ready: 3, available: 3, revisionsMatch: true });
      const [ds] = await cluster.listWorkloads('openstack', 'daemonset');
      expect(ds).toMatchObject({ name: 'ovs', desired: 2, current: 2, ready: 2 });
    });

    it('a missing workload is undefined, not an error', async () => {
      const cluster = await seeded();
      expect(await cluster.getWorkload({ kind: 'statefulset', namespace: 'openstack', name: 'nope' })).toBeUndefined();
    });
  });

  describe('pods', () => {
    it('lists only the namespace and selector asked for, with matchExpressions, server-side', async () => {
      const { sim } = api.server;
      sim.addPods('a', 3, { app: 'web', tier: 'front' }, { prefix: 'front' });
      sim.addPods('a', 2, { app: 'web', tier: 'back' }, { prefix: 'back' });
      sim.addPods('a', 2, { app: 'db' }, { prefix: 'db' });
      sim.addPods('b', 4, { app: 'web', tier: 'front' }, { prefix: 'other' });
      const cluster = await api.server.connect();
      const selector: LabelSelector = {
        matchLabels: { app: 'web' },
        matchExpressions: [
          { key: 'tier', operator: 'In', values: ['front', 'middle'] },
          { key: 'canary', operator: 'DoesNotExist' },
        ],
      };
      const pods = await cluster.listPods('a', selector);
      expect(pods.map((p) => p.name).sort()).toEqual(['front-0', 'front-1', 'front-2']);
      const [request] = podRequests();
      expect(request?.path).toBe('/api/v1/namespaces/a/pods');
      expect(new URLSearchParams(request?.query).get('labelSelector')).toBe('app=web,tier in (front,middle),!canary');
      expect((await cluster.listPods('a', { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['front'] }] })).map((p) => p.name).sort()).toEqual([
        'back-0',
        'back-1',
        'db-0',
        'db-1',
      ]);
    });

    it('maps phase, readiness, deletion, creation time, node and controller owner', async () => {
      const cluster = await seeded();
      const pods = await cluster.listPods('openstack', { matchLabels: { app: 'keystone' } });
      expect(pods).toHaveLength(3);
      expect(pods.filter((p) => p.ready && p.phase === 'Running')).toHaveLength(2);
      expect(pods.filter((p) => !p.ready && p.phase === 'Pending')).toHaveLength(1);
      const pod = pods[0];
      expect(pod?.owner).toMatchObject({ kind: 'ReplicaSet', name: expect.stringMatching(/^keystone-/) });
      expect(pod?.deleting).toBe(false);
      expect(typeof pod?.createdAt).toBe('number');
      expect(pod?.nodeName).toMatch(/^node-/);
    });

    it('follows continue tokens across pages', async () => {
      api.server.sim.addPods('big', 23, { app: 'x' });
      const cluster = await api.server.connect({ pageSize: 5 });
      const pods = await cluster.listPods('big', { matchLabels: { app: 'x' } });
      expect(new Set(pods.map((p) => p.name)).size).toBe(23);
      expect(podRequests()).toHaveLength(5);
    });

    it('asks for gzip: a list page of 128 KiB or more arrives compressed and is read whole; disable-compression stops it', async () => {
      api.server.sim.addPods('big', 400, { app: 'x' });
      const listOnce = async (kubeconfigYaml: string) => {
        api.server.resetLog();
        const pods = await (await api.server.connect({ kubeconfigYaml, pageSize: 1000 })).listPods('big', { matchLabels: { app: 'x' } });
        expect(new Set(pods.map((p) => p.uid)).size).toBe(400);
        return podRequests()[0]!.bytes;
      };
      const yaml = api.server.kubeconfigYaml();
      const plain = await listOnce(yaml.replace('insecure-skip-tls-verify: true', 'insecure-skip-tls-verify: true\n      disable-compression: true'));
      const compressed = await listOnce(yaml);
      expect(plain).toBeGreaterThanOrEqual(128 * 1024);
      expect(compressed).toBeLessThan(plain / 4);
    });

    it('deletes with a uid precondition: a replacement with the same name is never hit', async () => {
      const cluster = await seeded();
      const [victim] = await cluster.listPods('openstack', { matchLabels: { app: 'mariadb' } });
      if (!victim) throw new Error('no pod');
      await cluster.deletePod({ ...victim, uid: 'not-the-uid' }).then(
        () => expect.unreachable(),
        (error) => {
          expect(error.code).toBe('conflict');
          expect(error.message).toContain('Precondition failed');
        },
      );
      expect(api.server.sim.pods('openstack').some((p) => p.metadata.name === victim.name)).toBe(true);
      await cluster.deletePod(victim, { gracePeriodSeconds: 0 });
      expect(api.server.sim.pods('openstack').some((p) => p.metadata.name === victim.name)).toBe(false);
      const del = podRequests().filter((r) => r.method === 'DELETE');
      expect(del).toHaveLength(2);
      expect(del[1]?.query).toBe('gracePeriodSeconds=0');
      await expect(cluster.deletePod(victim)).rejects.toMatchObject({ code: 'not-found', message: `not found: pods "${victim.name}" in namespace "openstack"` });
    });

    it('server-side dry run deletes nothing', async () => {
      const cluster = await seeded();
      const [victim] = await cluster.listPods('openstack', { matchLabels: { app: 'keystone' } });
      if (!victim) throw new Error('no pod');
      await cluster.deletePod(victim, { serverDryRun: true });
      await cluster.evictPod(victim, { serverDryRun: true });
      expect(api.server.sim.pods('openstack', { matchLabels: { app: 'keystone' } })).toHaveLength(3);
      expect(podRequests().filter((r) => r.method !== 'GET').map((r) => r.query)).toEqual(['dryRun=All', 'dryRun=All']);
    });
  });

  describe('eviction', () => {
    it('evicts through policy/v1, and a PDB refusal is a disruption-budget error', async () => {
      const cluster = await seeded();
      api.server.sim.addPdb({ namespace: 'openstack', name: 'mariadb', selector: { matchLabels: { app: 'mariadb' } }, minAvailable: 2 });
      const [first, second] = await cluster.listPods('openstack', { matchLabels: { app: 'mariadb' } });
      if (!first || !second) throw new Error('no pods');
      await cluster.evictPod(first);
      await cluster.evictPod(second).then(
        () => expect.unreachable(),
        (error) => {
          expect(error.code).toBe('disruption-budget');
          expect(error.message).toContain(`cannot evict pods "${second.name}" in namespace "openstack"`);
          expect(error.message).toContain('needs 2 healthy pods and has 2 currently');
        },
      );
      const evictions = podRequests().filter((r) => r.path.endsWith('/eviction'));
      expect(evictions.map((r) => r.status)).toEqual([201, 429]);
      // The evicted pod is Terminating (it is bound to a node); the refused one is untouched.
      const left = api.server.sim.pods('openstack', { matchLabels: { app: 'mariadb' } });
      expect(left.filter((p) => p.metadata.deletionTimestamp).map((p) => p.metadata.name)).toEqual([first.name]);
      expect(left.filter((p) => !p.metadata.deletionTimestamp)).toHaveLength(2);
    });

    it('falls back to policy/v1beta1 on a 1.20 server, once, and remembers it', async () => {
      await api.server.close();
      const { startTestApiServer } = await import('../helpers/fake-apiserver.js');
      const old = await startTestApiServer({ kubernetesVersion: 'v1.20.2' }, { credentials });
      try {
        old.sim.addStatefulSet({ namespace: 'openstack', name: 'rabbitmq', replicas: 3 });
        const cluster = await old.connect();
        const pods = await cluster.listPods('openstack', { matchLabels: { app: 'rabbitmq' } });
        await cluster.evictPod(pods[0]!);
        await cluster.evictPod(pods[1]!);
        const statuses = old.requests().filter((r) => r.path.endsWith('/eviction')).map((r) => r.status);
        expect(statuses).toEqual([400, 201, 201]);
        expect(old.sim.pods('openstack')).toHaveLength(1);
      } finally {
        await old.close();
      }
    });

    it('a missing pod is not-found, without trying v1beta1', async () => {
      const cluster = await api.server.connect();
      await expect(cluster.evictPod({ namespace: 'default', name: 'ghost', uid: 'u' })).rejects.toMatchObject({ code: 'not-found' });
      expect(podRequests()).toHaveLength(1);
    });
  });

  describe('Helm, nodes, events, access review, version', () => {
    it('reads the latest Helm release revision and its workloads', async () => {
      const { sim } = api.server;
      sim.addHelmRelease('openstack', 'openstack', 4, 'deployed');
      sim.addHelmRelease('openstack', 'other', 1, 'failed');
      sim.addDeployment({ namespace: 'openstack', name: 'nova', replicas: 1, labels: { app: 'nova', 'app.kubernetes.io/instance': 'openstack' } });
      sim.addStatefulSet({ namespace: 'openstack', name: 'db', replicas: 1, labels: { app: 'db', 'app.kubernetes.io/instance': 'openstack' } });
      sim.addDeployment({ namespace: 'openstack', name: 'legacy', replicas: 1, labels: { app: 'legacy', release: 'old-chart' } });
      const cluster = await api.server.connect();
      expect(await cluster.getHelmRelease('openstack', 'openstack')).toEqual({ name: 'openstack', namespace: 'openstack', revision: 4, status: 'deployed' });
      expect(await cluster.getHelmRelease('openstack', 'other')).toMatchObject({ revision: 1, status: 'failed' });
      expect(await cluster.getHelmRelease('openstack', 'absent')).toBeUndefined();
      expect((await cluster.listReleaseWorkloads('openstack', 'openstack')).map((w) => `${w.kind}/${w.name}`).sort()).toEqual(['deployment/nova', 'statefulset/db']);
      expect((await cluster.listReleaseWorkloads('openstack', 'old-chart')).map((w) => w.name)).toEqual(['legacy']);
    });

    it('lists nodes, creates events, answers access reviews consistently with RBAC, reads the version', async () => {
      const { sim } = api.server;
      sim.addNode('n1', { internalIp: '10.1.0.1' });
      sim.addNode('n2', { ready: false });
      sim.addNamespace('openstack');
      sim.forbid({ verb: 'delete', resource: 'pods', namespace: 'openstack' });
      const cluster = await api.server.connect();
      expect(await cluster.listNodes()).toEqual([
        { name: 'n1', ready: true, internalIp: '10.1.0.1' },
        { name: 'n2', ready: false, internalIp: expect.any(String) },
      ]);
      await cluster.createEvent('openstack', {
        involved: { kind: 'Pod', namespace: 'openstack', name: 'keystone-0', uid: 'u1', apiVersion: 'v1' },
        reason: 'CookieBite',
        message: 'deleted by kube-cookiemonster',
        type: 'Warning',
      });
      const [event] = sim.store.list('events', 'openstack');
      expect(event).toMatchObject({ reason: 'CookieBite', type: 'Warning', involvedObject: { name: 'keystone-0', uid: 'u1' }, source: { component: 'kube-cookiemonster' } });
      expect(event?.metadata.name).toMatch(/^keystone-0\./);
      expect(await cluster.canI({ verb: 'delete', resource: 'pods', namespace: 'openstack' })).toBe(false);
      expect(await cluster.canI({ verb: 'delete', resource: 'pods', namespace: 'other' })).toBe(true);
      expect(await cluster.canI({ verb: 'create', resource: 'pods', subresource: 'eviction', namespace: 'openstack' })).toBe(true);
      expect(await cluster.version()).toBe('v1.29.0');
    });
  });
});
