import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { entriesOf } from '../../src/log/entries.js';
import { startFakeApiServer, type FakeApiServer } from '../../src/sim/index.js';
import { wasmSchemaErrors } from '../report/xsd.js';
import { runCli, workspace } from './run-cli.js';

const cookie = { name: 'keystone', kind: 'deployment', namespace: 'openstack', target: 1, interval: '300ms' };
const args = ['run', '--kubeconfig', 'kubeconfig', '--seed', '7'];
const verify = ['--', process.execPath, '-e', 'setTimeout(() => {}, 600)'];

describe('run: the RBAC preflight before the first kill (built CLI, fake API server with RBAC rules)', () => {
  let api: FakeApiServer;
  beforeEach(async () => {
    api = await startFakeApiServer({ controllers: { replaceDelayMs: 30, readyDelayMs: 60 } });
    api.sim.addDeployment({ namespace: 'openstack', name: 'keystone', replicas: 3 });
  });
  afterEach(() => api.close());
  const deletes = () => api.requests().filter((r) => r.method === 'DELETE' || r.path.endsWith('/eviction'));

  it('an identity without `delete pods` ends with exit 3 before any kill, naming verb, resource and namespace', async () => {
    api.sim.forbid({ verb: 'delete', resource: 'pods', namespace: 'openstack' });
    const run = await runCli(workspace(api.kubeconfigYaml(), { keystone: cookie }), [...args, ...verify]);
    expect(run.exitCode).toBe(3);
    expect(deletes()).toEqual([]);
    expect(entriesOf(run.entries(), 'bite')).toEqual([]);
    expect(entriesOf(run.entries(), 'verify-start')).toEqual([]);
    expect(entriesOf(run.entries(), 'error').map((e) => [e.code, e.cookie, e.message])).toEqual([
      ['forbidden', 'keystone', 'RBAC preflight: cannot delete pods in namespace "openstack", needed by cookie keystone'],
    ]);
    expect(run.stdout).toContain('✗ RBAC preflight: the identity cannot delete pods in namespace "openstack"; nothing was killed (grant what deploy/rbac.yaml grants');
    expect(await wasmSchemaErrors(run.junit())).toEqual([]);
  });

  it('names every missing verb at once: eviction mode needs create pods/eviction, a random cookie list deployments', async () => {
    api.sim.forbid({ verb: 'create', resource: 'pods/eviction', namespace: 'openstack' });
    api.sim.forbid({ verb: 'list', resource: 'deployments', namespace: 'openstack' });
    api.sim.forbid({ verb: 'delete', resource: 'pods', namespace: 'openstack' }); // not needed in eviction mode
    const run = await runCli(workspace(api.kubeconfigYaml(), { random: { ...cookie, name: '' } }), [...args, '--mode', 'evict', '--skip-deploy-check', ...verify]);
    expect(run.exitCode).toBe(3);
    expect(entriesOf(run.entries(), 'error').map((e) => e.message)).toEqual([
      'RBAC preflight: cannot list deployments (API group apps) in namespace "openstack", needed by cookie random',
      'RBAC preflight: cannot create pods/eviction in namespace "openstack", needed by cookie random',
    ]);
  });

  it('passes when everything is granted, after one review per needed verb', async () => {
    const run = await runCli(workspace(api.kubeconfigYaml(), { keystone: cookie }), [...args, ...verify]);
    expect(run.exitCode).toBe(0);
    const reviews = api.requests().filter((r) => r.path.endsWith('/selfsubjectaccessreviews'));
    expect(reviews).toHaveLength(6); // get deployments, list pods, delete pods; list and watch deployments, watch pods
    expect(entriesOf(run.entries(), 'bite').length).toBeGreaterThanOrEqual(1);
  });

  it('--skip-preflight finds out at the first kill instead (exit 4)', async () => {
    api.sim.forbid({ verb: 'delete', resource: 'pods', namespace: 'openstack' });
    const run = await runCli(workspace(api.kubeconfigYaml(), { keystone: cookie }), [...args, '--skip-preflight', ...verify]);
    expect(run.exitCode).toBe(4);
    expect(deletes().length).toBeGreaterThanOrEqual(1);
    expect(api.requests().filter((r) => r.path.endsWith('/selfsubjectaccessreviews'))).toEqual([]);
  });

  it('an API server that refuses the reviews themselves cannot tell: the run goes on', async () => {
    api.sim.forbid({ verb: 'create', resource: 'selfsubjectaccessreviews' });
    const run = await runCli(workspace(api.kubeconfigYaml(), { keystone: cookie }), [...args, ...verify]);
    expect(run.exitCode).toBe(0);
    expect(entriesOf(run.entries(), 'bite').length).toBeGreaterThanOrEqual(1);
  });
});
