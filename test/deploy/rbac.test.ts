import { afterEach, describe, expect, it } from 'vitest';
import { killPodFileSchema, nodeExecFileSchema, type Cookie } from '../../src/config/schema.js';
import { fromKillPodFile, fromNodeExecFile } from '../../src/config/normalize.js';
import { systemClock } from '../../src/core/clock.js';
import { createNodeExecRunner, defaultWorkerSelector } from '../../src/core/cookies/nodeexec.js';
import { executePipeline } from '../../src/core/pipeline.js';
import { seededRng } from '../../src/core/rng.js';
import { createPodExec } from '../../src/kube/exec.js';
import { parseSelectorString } from '../../src/kube/selector.js';
import { createKillLog, entriesOf } from '../../src/log/entries.js';
import { attachNotifications } from '../../src/notify/index.js';
import { startTestApiServer } from '../helpers/fake-apiserver.js';
import { startExecFront } from '../helpers/fake-exec.js';
import { loadManifests, type K8sObject } from './manifests.js';

interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}
type Role = K8sObject & { rules: Rule[] };
type Binding = K8sObject & { roleRef: { kind: string; name: string }; subjects: { kind: string; name: string; namespace: string }[] };

const manifests = loadManifests().map((m) => m.object);
const roles = manifests.filter((o): o is Role => o.kind === 'ClusterRole' || o.kind === 'Role');
const triples = (rules: Rule[]): string[] => rules.flatMap((r) => r.apiGroups.flatMap((g) => r.resources.flatMap((res) => r.verbs.map((v) => `${g || 'core'} ${res} ${v}`))));

/** What the ServiceAccount may do: `scope` is '*' for a ClusterRoleBinding, else the RoleBinding's namespace. */
function grantsOf(account: { name: string; namespace: string }): { scope: string; triple: string }[] {
  return manifests
    .filter((o): o is Binding => o.kind === 'ClusterRoleBinding' || o.kind === 'RoleBinding')
    .filter((b) => b.subjects.some((s) => s.kind === 'ServiceAccount' && s.name === account.name && s.namespace === account.namespace))
    .flatMap((b) => {
      const role = roles.find((r) => r.kind === b.roleRef.kind && r.metadata.name === b.roleRef.name && (r.kind === 'ClusterRole' || r.metadata.namespace === b.metadata.namespace));
      if (!role) throw new Error(`${b.kind} ${b.metadata.name}: no ${b.roleRef.kind} ${b.roleRef.name}`);
      const scope = b.kind === 'ClusterRoleBinding' ? '*' : (b.metadata.namespace ?? '');
      return triples(role.rules).map((triple) => ({ scope, triple }));
    });
}

/** An API request as the authorizer sees it: verb, group, resource[/subresource], namespace. Undefined for non-resource URLs. */
function attributesOf(method: string, path: string, query: string): { verb: string; triple: string; namespace: string } | undefined {
  const seg = path.split('/').filter(Boolean);
  let group: string;
  let rest: string[];
  if (seg[0] === 'api' && seg[1] === 'v1') [group, rest] = ['core', seg.slice(2)];
  else if (seg[0] === 'apis' && seg.length > 3) [group, rest] = [seg[1] as string, seg.slice(3)];
  else return undefined;
  if (rest.length === 0) return undefined;
  const namespaced = rest[0] === 'namespaces' && rest.length >= 3;
  const namespace = namespaced ? (rest[1] as string) : '';
  const [resource, name, sub] = namespaced ? rest.slice(2) : rest;
  const named = name !== undefined;
  const verb = { GET: named ? 'get' : ['true', '1'].includes(new URLSearchParams(query).get('watch') ?? '') ? 'watch' : 'list', POST: 'create', DELETE: named ? 'delete' : 'deletecollection', PUT: 'update', PATCH: 'patch' }[method] ?? method;
  return { verb, triple: `${group} ${resource}${sub ? `/${sub}` : ''} ${verb}`, namespace };
}

/** Granted to every authenticated user by the default ClusterRole system:basic-user. */
const grantedToEveryone = ['authorization.k8s.io selfsubjectaccessreviews create'];

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (closers.length) await closers.pop()?.();
});

describe('RBAC of deploy/', () => {
  it('grants exactly what the cookies need, and no wildcard, secret or non-resource URL', () => {
    const table = Object.fromEntries(roles.map((r) => [`${r.kind} ${r.metadata.namespace ?? ''}/${r.metadata.name}`, triples(r.rules).sort()]));
    expect(table).toEqual({
      'ClusterRole /cookiemonster': [
        'apps daemonsets get', 'apps daemonsets list', 'apps daemonsets watch', 'apps deployments get', 'apps deployments list', 'apps deployments watch',
        'apps statefulsets get', 'apps statefulsets list', 'apps statefulsets watch',
        'core events create', 'core pods delete', 'core pods list', 'core pods watch', 'core pods/eviction create',
      ],
      'ClusterRole /cookiemonster-nodeexec': ['core nodes list'],
      'Role cookiemonster/cookiemonster-nodeexec': ['core pods/exec create', 'core pods/exec get'],
    });
    for (const role of roles) {
      expect(JSON.stringify(role.rules)).not.toMatch(/\*|secrets|nonResourceURLs|escalate|bind|impersonate/);
      for (const rule of role.rules) expect(Object.keys(rule).sort()).toEqual(['apiGroups', 'resources', 'verbs']);
    }
  });

  it('covers every API call of a run with every cookie kind (delete, evict, events, recovery, nodeexec), and every grant is used', async () => {
    const api = await startTestApiServer({ controllers: { replaceDelayMs: 30, readyDelayMs: 30 } });
    closers.push(api.close);
    api.sim.addNode('node-1');
    api.sim.addNode('node-2');
    api.sim.addDeployment({ namespace: 'openstack', name: 'keystone', replicas: 4 });
    api.sim.addDeployment({ namespace: 'nova', name: 'nova-api', replicas: 4 });
    api.sim.addStatefulSet({ namespace: 'openstack', name: 'mariadb', replicas: 4 });
    api.sim.addDaemonSet({ namespace: 'openstack', name: 'ovs', nodes: ['node-1', 'node-2'] });
    api.sim.addDaemonSet({ namespace: 'cookiemonster', name: 'cookiemonster-node-worker', labels: Object.fromEntries(defaultWorkerSelector.split(',').map((kv) => kv.split('='))) });
    const front = await startExecFront(api.url, () => ({ stdout: 'ok\n', exitCode: 0 }));
    closers.push(front.close);

    const killpod = (name: string, file: Record<string, unknown>): Cookie => fromKillPodFile(name, `${name}.json`, killPodFileSchema.parse({ namespace: 'openstack', target: 1, interval: '100ms', safety: { minAvailable: 1 }, ...file }));
    const cookies: Cookie[] = [
      killpod('named-deployment', { kind: 'deployment', name: 'keystone', events: true }),
      killpod('random-deployment', { kind: 'deployment', namespace: 'nova' }),
      // Named: a random one is listed, and the watch of its scope lists it too; a named one is read with GET.
      killpod('named-statefulset', { kind: 'statefulset', name: 'mariadb', mode: 'evict' }),
      killpod('named-daemonset', { kind: 'daemonset', name: 'ovs' }),
      fromNodeExecFile('exec-all', 'exec-all.json', nodeExecFileSchema.parse({ target: 'all', commands: [{ command: 'uptime' }] })),
    ];
    const cluster = await api.connect();
    const log = createKillLog(systemClock);
    const notify = attachNotifications(log, { cluster, cookies }, { slackUrl: undefined, webhookUrl: undefined, events: false });
    const exec = await createPodExec({ kubeconfigYaml: front.kubeconfigYaml(), env: {} });
    const nodeExec = createNodeExecRunner({ exec, namespace: 'cookiemonster', selector: parseSelectorString(defaultWorkerSelector), container: 'worker' });
    api.resetLog();
    const report = await executePipeline(
      {
        cookies, checks: [], skipDeployCheck: false, readyTimeoutMs: 5000, chaosDurationMs: 500, maxRecoveryMs: undefined, recoveryTimeoutMs: 5000, seed: 3, pollMs: 50,
        bite: { dryRun: false, mode: 'delete', gracePeriodSeconds: undefined, allowKubeSystem: false, concurrency: 10, self: { namespace: 'cookiemonster', name: 'cookiemonster-abc' } },
      },
      { cluster, clock: systemClock, rng: seededRng(3), log, verification: undefined, nodeExec },
    );
    await notify.flush();
    notify.detach();

    const bites = entriesOf(report.entries, 'bite');
    expect(entriesOf(report.entries, 'error')).toEqual([]);
    expect(new Set(bites.map((b) => `${b.workload.kind} ${b.mode}`))).toEqual(new Set(['deployment delete', 'statefulset evict', 'daemonset delete']));
    expect(entriesOf(report.entries, 'exec')).toHaveLength(2);
    expect(entriesOf(report.entries, 'recovery').filter((r) => !r.recovered)).toEqual([]);

    const grants = grantsOf({ name: 'cookiemonster', namespace: 'cookiemonster' });
    const requests = [
      ...api.requests().map((r) => attributesOf(r.method, r.path, r.query)),
      // The exec WebSocket upgrade is a GET, authorized as `get` before Kubernetes 1.31 and as `create` too since.
      ...front.calls.flatMap((c) => ['get', 'create'].map((verb) => ({ verb, triple: `core pods/exec ${verb}`, namespace: c.namespace }))),
    ].filter((a) => a !== undefined);
    const denied = requests.filter((a) => !grantedToEveryone.includes(a.triple) && !grants.some((g) => g.triple === a.triple && (g.scope === '*' || g.scope === a.namespace)));
    expect(denied).toEqual([]);
    const used = new Set(requests.map((a) => a.triple));
    expect(grants.map((g) => g.triple).filter((t) => !used.has(t))).toEqual([]);
    expect(used).toContain('core events create');
    expect(used).toContain('core pods/eviction create');
  });
});
