import { mkdtemp, readFile } from 'node:fs/promises';
import * as http from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { backendNames, openBackend, type Backend } from './lib/backends.js';
import { exec, execOrThrow, lastLine } from './lib/exec.js';
import type { KubeApi } from './lib/kube-api.js';
import { nodePodSpec, readEvidence } from './lib/node-workloads.js';
import { observePods } from './lib/pod-observer.js';
import { clusterScripts, repoRoot } from './lib/paths.js';
import { e2e } from './lib/scenario.js';
import { createDeployment, createNamespace, listPods, waitFor, waitForDeployment, waitForPodsGone } from './lib/workloads.js';

/**
 * The product inside the cluster, as users apply it: its own image (built offline, test/cluster/build-product-image.sh)
 * imported into the real node's containerd, `kubectl apply -f deploy/`, the server's REST API from the host, the run
 * Job under its own ServiceAccount, and the nodeexec worker on the real host. Victims: a Deployment in `openstack`,
 * the namespace deploy/cookies.yaml's cookies name.
 */
const node = 'missing' in e2e.realNode ? undefined : e2e.realNode;
const NS = 'cookiemonster';
const VICTIMS = 'openstack';

describe.skipIf(!backendNames(e2e).includes('real-node'))('in-cluster: the product’s image on the real node, deployed from deploy/', () => {
  let b: Backend;
  let token = '';
  let server = '';
  const kubectl = (args: string[], input?: string) =>
    execOrThrow('kubectl', ['--kubeconfig', b.kubeconfig, ...args], { timeoutMs: 120_000, ...(input !== undefined && { input }) });

  beforeAll(async () => {
    b = await openBackend('real-node', e2e);
    const dir = await mkdtemp(join(e2e.workDir, 'image-'));
    const t = Date.now();
    const image = lastLine((await execOrThrow('bash', [join(clusterScripts, 'build-product-image.sh'), e2e.cli.tarball, dir], { timeoutMs: 600_000 })).stdout);
    await execOrThrow('ctr', ['-n', 'k8s.io', 'images', 'import', '--base-name', `docker.io/library/${image.split(':')[0]}`, join(dir, 'kube-cookiemonster.tar')], { timeoutMs: 120_000 });
    process.stderr.write(`[in-cluster] image ${image} built and imported in ${Date.now() - t} ms\n`);

    await createNamespace(b.api, VICTIMS);
    await createDeployment(b.api, VICTIMS, 'web', 3, { podSpec: nodePodSpec({ evidenceDir: node?.evidenceDir ?? '' }) });
    // The manifests as shipped. One extra nodeexec cookie (uname -a) is added to the ConfigMap before the server
    // starts; `kubectl apply -f deploy/` keeps it (it was never part of the last applied configuration).
    await kubectl(['apply', '-f', join(repoRoot, 'deploy/namespace.yaml'), '-f', join(repoRoot, 'deploy/rbac.yaml'), '-f', join(repoRoot, 'deploy/cookies.yaml')]);
    await kubectl(['-n', NS, 'patch', 'configmap', 'cookiemonster-cm-nodeexec', '--type', 'merge', '-p', JSON.stringify({ data: { 'uname-host.json': JSON.stringify({ target: 'all', commands: [{ command: 'uname', parameters: ['-a'] }] }) } })]);
    token = (await execOrThrow('openssl', ['rand', '-hex', '32'])).stdout.trim();
    // What server.yaml's comment says to run (kubectl create secret generic cookiemonster-token --from-literal=…),
    // through the API so the token never appears on a command line.
    await b.api.call('POST', `/api/v1/namespaces/${NS}/secrets`, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'cookiemonster-token' }, data: { token: Buffer.from(token).toString('base64') } });
    await kubectl(['apply', '-f', join(repoRoot, 'deploy/')]);
    await waitForDeployment(b.api, VICTIMS, 'web', 120_000);
    await waitForDeployment(b.api, NS, 'cookiemonster', 180_000);
    const servers = await podsOf(b.api, 'app.kubernetes.io/component=server');
    expect(servers.map((p) => p.status?.podIP).filter(Boolean), JSON.stringify(servers.map((p) => p.status))).toHaveLength(1);
    server = `http://${servers[0].status.podIP}:8080`;
  }, 900_000);

  afterAll(async () => {
    await b?.close();
  });

  it('in-cluster: the server from `kubectl apply -f deploy/` kills real pods through /start, /status and /stop, with the token required', async () => {
    const observer = observePods(b.api, VICTIMS, 100);
    const cookie = 'openstack-random-deployment';
    const refused = await request('POST', `${server}/start/killpod/${cookie}`);
    expect(refused.status, refused.body).toBe(401);
    const wrong = await request('POST', `${server}/start/killpod/${cookie}`, 'not-the-token');
    expect(wrong.status, wrong.body).toBe(401);

    const started = await request('POST', `${server}/start/killpod/${cookie}`, token);
    expect(started, started.body).toMatchObject({ status: 200, body: 'start initiated' });
    // The job's first tick kills a pod: wait for the victim to be Terminating (the event, bounded by the test timeout).
    const victim = await waitFor('a pod in openstack to be killed', 170_000, async () => (await listPods(b.api, VICTIMS, 'web')).find((p) => p.deleting));
    const running = await request('GET', `${server}/status/killpod`);
    expect(running.body).toContain(cookie);
    const status = await request('GET', `${server}/status/killpod/${cookie}`);
    expect(status.status, status.body).toBe(200);

    const stopped = await request('POST', `${server}/stop/killpod/${cookie}`, token);
    expect(stopped, stopped.body).toMatchObject({ status: 200, body: 'stop initiated' });
    await waitFor('the killpod job to leave the running list', 170_000, async () =>
      (await request('GET', `${server}/status/killpod`)).body.includes(cookie) ? undefined : true,
    );
    await waitForPodsGone(b.api, VICTIMS, [victim.uid]);
    await observer.stop();
    expect(readEvidence(node?.evidenceDir ?? '', victim.name).map((e) => e.event)).toContain('SIGTERM');
    await waitForDeployment(b.api, VICTIMS, 'web', 120_000);
  });

  it('in-cluster: deploy/jobs/run-job.yaml runs `cookiemonster run` to completion under its own ServiceAccount', async () => {
    const job = parse(await readFile(join(repoRoot, 'deploy/jobs/run-job.yaml'), 'utf8'));
    const container = job.spec.template.spec.containers[0];
    // The only change: a 20 s chaos window instead of 10 minutes.
    container.args = (container.args as string[]).map((a) => (a.startsWith('--chaos-duration=') ? '--chaos-duration=20s' : a));
    expect(job.spec.template.spec.serviceAccountName).toBe('cookiemonster');
    const before = new Set((await listPods(b.api, VICTIMS, 'web')).map((p) => p.uid));
    await kubectl(['apply', '-f', '-'], stringify(job));

    const done = await waitFor('Job cookiemonster-run to finish', 170_000, async () => {
      const j = await b.api.call('GET', `/apis/batch/v1/namespaces/${NS}/jobs/cookiemonster-run`);
      return j.status?.succeeded || j.status?.failed ? j.status : undefined;
    });
    const [pod] = await podsOf(b.api, 'app.kubernetes.io/component=run');
    const logs = await b.api.request('GET', `/api/v1/namespaces/${NS}/pods/${pod.metadata.name}/log?container=run`);
    process.stderr.write(`[in-cluster] Job log (HTTP ${logs.status}):\n${String(typeof logs.body === 'string' ? logs.body : JSON.stringify(logs.body)).slice(-4000)}\n`);
    const state = JSON.stringify(pod.status?.containerStatuses?.[0]?.state);
    expect(done.succeeded, `Job failed (${state}); its log:\n${String(logs.body).slice(-3000)}`).toBe(1);
    expect(pod.spec.serviceAccountName).toBe('cookiemonster');
    expect(pod.spec.nodeName).toBe(node?.nodeName);
    // It killed a pod of openstack/web for real: one that existed before is gone.
    const after = new Set((await listPods(b.api, VICTIMS, 'web')).filter((p) => !p.deleting).map((p) => p.uid));
    expect([...before].some((uid) => !after.has(uid)), String(logs.body)).toBe(true);
    await kubectl(['-n', NS, 'delete', 'job', 'cookiemonster-run', '--wait=false']);
    await waitForDeployment(b.api, VICTIMS, 'web', 120_000);
  });

  it('in-cluster: the nodeexec worker from deploy/nodeexec/ runs `uname -a` on the real host through the exec API', async () => {
    await kubectl(['apply', '-f', join(repoRoot, 'deploy/nodeexec/')]);
    await waitFor('the node worker DaemonSet to be ready', 170_000, async () => {
      const ds = await b.api.call('GET', `/apis/apps/v1/namespaces/${NS}/daemonsets/cookiemonster-node-worker`);
      return ds.status?.numberReady === 1 ? true : undefined;
    });
    const started = await request('POST', `${server}/start/nodeexec/uname-host`, token);
    expect(started, started.body).toMatchObject({ status: 200, body: 'start initiated' });
    const id = await waitFor('the nodeexec job id', 60_000, async () => (await request('GET', `${server}/status/nodeexec`)).body.split('\n').slice(1).find(Boolean));
    const execEntry = await waitFor('the exec entry in the job’s kill log', 170_000, async () => {
      const log = await request('GET', `${server}/api/v2/jobs/${id}/log`, token);
      const entries = log.body.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
      return entries.find((e) => e['kind'] === 'exec' || e['kind'] === 'error');
    });
    // The same command run directly on the host is the reference: its output and exit code must come back through the
    // exec API unchanged. On a normal node that is `uname -a` with exit 0. On these Firecracker VMs nobody, not even
    // root on the host, may open PID 1's namespaces (it holds CAP_SYS_RESOURCE, which the bounding set drops), so
    // there nsenter exits 1 with "cannot open /proc/1/ns/ipc: Permission denied", on the host and in the worker alike.
    const onHost = await exec('nsenter', ['--target', '1', '--mount', '--uts', '--ipc', '--net', '--pid', '--', 'uname', '-a']);
    expect(execEntry, JSON.stringify(execEntry)).toMatchObject({ kind: 'exec', node: node?.nodeName, command: ['uname', '-a'], exitCode: onHost.code });
    expect(String(execEntry['stdout']).trim()).toBe(onHost.stdout.trim());
    expect(String(execEntry['stderr'])).toContain(onHost.stderr.trim());
    if (onHost.code === 0) expect(onHost.stdout.trim()).toBe((await execOrThrow('uname', ['-a'])).stdout.trim());
  });
});

// Wire objects are read field by field in tests.
async function podsOf(api: KubeApi, selector: string): Promise<any[]> {
  return (await api.call('GET', `/api/v1/namespaces/${NS}/pods?labelSelector=${encodeURIComponent(selector)}`)).items;
}

function request(method: string, url: string, token?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, timeout: 60_000, headers: token ? { Authorization: `Bearer ${token}` } : {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8').trim() }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${url} timed out`)));
    req.on('error', reject);
    req.end();
  });
}
