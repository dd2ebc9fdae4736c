import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseCommandLine } from '../../src/cli/main.js';
import { parseRunFlags } from '../../src/cli/run-options.js';
import { parseServeFlags } from '../../src/cli/serve-main.js';
import { loadCookies } from '../../src/config/load.js';
import { defaultWorkerSelector } from '../../src/core/cookies/nodeexec.js';
import { lintObject } from './k8s-schema.js';
import { chartDir, deployDir, find, keyOf, loadManifests, type K8sObject } from './manifests.js';

const manifests = loadManifests();
const version = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;

interface Container {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  env?: { name: string; value?: string; valueFrom?: { fieldRef?: { fieldPath: string }; secretKeyRef?: { name: string; key: string; optional?: boolean } } }[];
  ports?: { name?: string; containerPort: number }[];
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[];
  securityContext?: Record<string, unknown>;
}
interface PodSpec {
  serviceAccountName?: string;
  hostPID?: boolean;
  hostNetwork?: boolean;
  hostIPC?: boolean;
  automountServiceAccountToken?: boolean;
  containers: Container[];
  volumes?: { name: string; configMap?: { name: string } }[];
}
type WithPod = K8sObject & { spec: { selector?: { matchLabels: Record<string, string> }; template: { metadata: { labels: Record<string, string> }; spec: PodSpec } } };

const podOf = (o: K8sObject): PodSpec => {
  if (o.kind === 'CronJob') return (o as unknown as { spec: { jobTemplate: { spec: { template: { spec: PodSpec } } } } }).spec.jobTemplate.spec.template.spec;
  return (o as WithPod).spec.template.spec;
};
const envOf = (c: Container) => Object.fromEntries((c.env ?? []).map((e) => [e.name, e.value ?? e.valueFrom]));

describe('deploy/ manifests', () => {
  it('parse, and ship exactly these objects with these apiVersions', () => {
    expect(manifests.map((m) => `${m.file}: ${m.object.apiVersion} ${keyOf(m.object)}`)).toEqual([
      'cookies.yaml: v1 ConfigMap/cookiemonster/cookiemonster-cm-killpod',
      'cookies.yaml: v1 ConfigMap/cookiemonster/cookiemonster-cm-nodeexec',
      'jobs/run-cronjob.yaml: batch/v1 CronJob/cookiemonster/cookiemonster-run',
      'jobs/run-job.yaml: batch/v1 Job/cookiemonster/cookiemonster-run',
      'namespace.yaml: v1 Namespace//cookiemonster',
      'nodeexec/node-worker.yaml: rbac.authorization.k8s.io/v1 ClusterRole//cookiemonster-nodeexec',
      'nodeexec/node-worker.yaml: rbac.authorization.k8s.io/v1 ClusterRoleBinding//cookiemonster-nodeexec',
      'nodeexec/node-worker.yaml: rbac.authorization.k8s.io/v1 Role/cookiemonster/cookiemonster-nodeexec',
      'nodeexec/node-worker.yaml: rbac.authorization.k8s.io/v1 RoleBinding/cookiemonster/cookiemonster-nodeexec',
      'nodeexec/node-worker.yaml: apps/v1 DaemonSet/cookiemonster/cookiemonster-node-worker',
      'rbac.yaml: v1 ServiceAccount/cookiemonster/cookiemonster',
      'rbac.yaml: rbac.authorization.k8s.io/v1 ClusterRole//cookiemonster',
      'rbac.yaml: rbac.authorization.k8s.io/v1 ClusterRoleBinding//cookiemonster',
      'server.yaml: apps/v1 Deployment/cookiemonster/cookiemonster',
      'server.yaml: v1 Service/cookiemonster/cookiemonster',
    ]);
  });

  it('every field exists, with its type, in the Kubernetes API models (client-node, offline)', () => {
    expect(manifests.flatMap((m) => lintObject(m.object).map((p) => `${m.file}: ${p}`))).toEqual([]);
  });

  it('the lint catches a misspelt or misplaced field', () => {
    const worker = structuredClone(find(manifests, 'DaemonSet', 'cookiemonster-node-worker')) as WithPod;
    (worker.spec.template.spec as unknown as Record<string, unknown>)['hostPid'] = true;
    (worker.spec as unknown as Record<string, unknown>)['replicas'] = 1;
    (worker.spec.template.spec as unknown as Record<string, unknown>)['terminationGracePeriodSeconds'] = '5';
    expect(lintObject(worker).sort()).toEqual([
      'DaemonSet.spec.replicas: unknown field of V1DaemonSetSpec',
      'DaemonSet.spec.template.spec.hostPid: unknown field of V1PodSpec',
      'DaemonSet.spec.template.spec.terminationGracePeriodSeconds: expected a number, got "5"',
    ]);
  });

  it('uses one image, the package version, as deploy/Dockerfile and the chart build it', async () => {
    const images = manifests.flatMap((m) => (['Deployment', 'DaemonSet', 'Job', 'CronJob'].includes(m.object.kind) ? podOf(m.object).containers.map((c) => c.image) : []));
    expect(new Set(images)).toEqual(new Set([`kube-cookiemonster:${version}`]));
    const dockerfile = await readFile(join(deployDir, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/^FROM node:20-slim$/m);
    expect(dockerfile).toContain(`ARG VERSION=${version}\n`);
    expect(dockerfile).toContain('npm install --global --omit=dev "kube-cookiemonster@${VERSION}"');
    expect(dockerfile).toMatch(/^ENTRYPOINT \["cookiemonster"\]$/m);
    const chart = parse(await readFile(join(chartDir, 'Chart.yaml'), 'utf8')) as Record<string, unknown>;
    const values = parse(await readFile(join(chartDir, 'values.yaml'), 'utf8')) as { image: { repository: string; tag: string } };
    expect([chart['version'], chart['appVersion'], values.image.tag]).toEqual([version, version, version]);
    expect(values.image.repository).toBe('kube-cookiemonster');
  });

  it('runs `cookiemonster serve --host 0.0.0.0` with the token from a Secret and its own pod name from the downward API', async () => {
    const server = find<WithPod>(manifests, 'Deployment', 'cookiemonster');
    const pod = server.spec.template.spec;
    const [container] = pod.containers;
    expect(pod.containers).toHaveLength(1);
    expect(pod.serviceAccountName).toBe('cookiemonster');
    expect(container?.command).toEqual(['cookiemonster']);
    const { command, flags } = await parseCommandLine(container?.args ?? []);
    expect(command).toBe('serve');
    expect(parseServeFlags(flags)).toMatchObject({ host: '0.0.0.0', port: 8080, cookies: '/etc/cookies.d' });
    expect(parseServeFlags(flags)['token-file']).toBeUndefined();
    const env = envOf(container as Container);
    expect(env['POD_NAME']).toEqual({ fieldRef: { fieldPath: 'metadata.name' } });
    expect(env['POD_NAMESPACE']).toEqual({ fieldRef: { fieldPath: 'metadata.namespace' } });
    expect(env['KCM_SERVER_TOKEN']).toEqual({ secretKeyRef: { name: 'cookiemonster-token', key: 'token' } });
    expect(env['KCM_SLACK_WEBHOOK_URL']).toEqual({ secretKeyRef: { name: 'cookiemonster-notify', key: 'slack-webhook-url', optional: true } });
    expect(env['KCM_WEBHOOK_URL']).toEqual({ secretKeyRef: { name: 'cookiemonster-notify', key: 'webhook-url', optional: true } });
    expect((server.spec as unknown as { replicas: number }).replicas).toBe(1);
    expect(container?.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
  });

  it('exposes 8080 as NodePort 30003, as the original chart did', () => {
    const service = find<K8sObject & { spec: { type: string; selector: Record<string, string>; ports: { port: number; targetPort: string | number; nodePort: number }[] } }>(manifests, 'Service', 'cookiemonster');
    const server = find<WithPod>(manifests, 'Deployment', 'cookiemonster');
    expect(service.spec.type).toBe('NodePort');
    expect(service.spec.ports).toEqual([{ name: 'http', port: 8080, targetPort: 'http', nodePort: 30003 }]);
    expect(server.spec.template.spec.containers[0]?.ports).toEqual([{ name: 'http', containerPort: 8080 }]);
    expect(service.spec.selector).toEqual(server.spec.template.metadata.labels);
    expect(server.spec.selector?.matchLabels).toEqual(server.spec.template.metadata.labels);
  });

  it('mounts the cookie ConfigMaps at /etc/cookies.d/killpod and /etc/cookies.d/nodeexec wherever the product runs', () => {
    for (const o of [find(manifests, 'Deployment', 'cookiemonster'), find(manifests, 'Job', 'cookiemonster-run'), find(manifests, 'CronJob', 'cookiemonster-run')]) {
      const pod = podOf(o);
      const volumes = Object.fromEntries((pod.volumes ?? []).map((v) => [v.name, v.configMap?.name]));
      const mounts = Object.fromEntries((pod.containers[0]?.volumeMounts ?? []).map((m) => [m.mountPath, volumes[m.name]]));
      expect(mounts, o.kind).toMatchObject({ '/etc/cookies.d/killpod': 'cookiemonster-cm-killpod', '/etc/cookies.d/nodeexec': 'cookiemonster-cm-nodeexec' });
    }
  });

  it('ships the example cookies of cookies.d/, and they load without a problem', async () => {
    const root = await mkdtemp(join(tmpdir(), 'kcm-deploy-cookies-'));
    for (const group of ['killpod', 'nodeexec']) {
      const map = find<K8sObject & { data: Record<string, string> }>(manifests, 'ConfigMap', `cookiemonster-cm-${group}`);
      const shipped = (await readdir(join('cookies.d', group))).sort();
      expect(Object.keys(map.data).sort()).toEqual(shipped);
      await mkdir(join(root, group));
      for (const [file, text] of Object.entries(map.data)) {
        expect(JSON.parse(text)).toEqual(JSON.parse(await readFile(join('cookies.d', group, file), 'utf8')));
        await writeFile(join(root, group, file), text);
      }
    }
    const loaded = await loadCookies(root, root);
    expect(loaded.problems).toEqual([]);
    expect(loaded.cookies.map((c) => `${c.group}/${c.name}`).sort()).toEqual([
      'killpod/openstack-random-daemonset', 'killpod/openstack-random-deployment', 'killpod/openstack-random-statefulset', 'nodeexec/test-exec-all',
    ]);
  });

  it('the Job and the CronJob run `cookiemonster run` with valid flags, never retried, never killing themselves', async () => {
    for (const o of [find(manifests, 'Job', 'cookiemonster-run'), find(manifests, 'CronJob', 'cookiemonster-run')]) {
      const pod = podOf(o);
      const container = pod.containers[0] as Container;
      expect(pod.serviceAccountName).toBe('cookiemonster');
      expect((pod as unknown as { restartPolicy: string }).restartPolicy).toBe('Never');
      const { command, flags } = await parseCommandLine(container.args ?? []);
      expect(command).toBe('run');
      expect(parseRunFlags(flags)).toMatchObject({ cookies: '/etc/cookies.d', cookie: ['killpod/openstack-random-deployment'], 'chaos-duration': 600_000, 'max-recovery': 120_000, ci: 'plain' });
      const env = envOf(container);
      expect([env['POD_NAME'], env['POD_NAMESPACE']]).toEqual([{ fieldRef: { fieldPath: 'metadata.name' } }, { fieldRef: { fieldPath: 'metadata.namespace' } }]);
    }
    const job = find<K8sObject & { spec: { backoffLimit: number } }>(manifests, 'Job', 'cookiemonster-run');
    const cron = find<K8sObject & { spec: { suspend: boolean; concurrencyPolicy: string; schedule: string; jobTemplate: { spec: { backoffLimit: number } } } }>(manifests, 'CronJob', 'cookiemonster-run');
    expect([job.spec.backoffLimit, cron.spec.jobTemplate.spec.backoffLimit]).toEqual([0, 0]);
    expect(cron.spec).toMatchObject({ suspend: true, concurrencyPolicy: 'Forbid', schedule: '0 3 * * *' });
    expect(await readFile(join(deployDir, 'jobs', 'run-cronjob.yaml'), 'utf8')).toMatch(/needs Kubernetes 1\.21 or later/);
  });

  it('the nodeexec worker: hostPID and privileged for nsenter, nothing more, found by serve’s default selector', () => {
    const worker = find<WithPod>(manifests, 'DaemonSet', 'cookiemonster-node-worker');
    const pod = worker.spec.template.spec;
    expect(pod.hostPID).toBe(true);
    expect(pod.hostNetwork).toBeUndefined();
    expect(pod.hostIPC).toBeUndefined();
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.containers.map((c) => [c.name, c.command, c.securityContext, c.ports])).toEqual([['worker', ['sleep', 'infinity'], { privileged: true, runAsUser: 0 }, undefined]]);
    const selector = Object.fromEntries(defaultWorkerSelector.split(',').map((kv) => kv.split('=') as [string, string]));
    expect(worker.spec.template.metadata.labels).toMatchObject(selector);
    // Every other workload runs unprivileged.
    for (const m of manifests.filter((x) => ['Deployment', 'Job', 'CronJob'].includes(x.object.kind))) {
      const other = podOf(m.object);
      expect([other.hostPID, other.containers[0]?.securityContext?.['privileged']], m.file).toEqual([undefined, undefined]);
      expect((other as unknown as { securityContext: Record<string, unknown> }).securityContext).toMatchObject({ runAsNonRoot: true });
    }
  });

  it('references only ServiceAccounts, ConfigMaps and roles that deploy/ defines', () => {
    const defined = new Set(manifests.map((m) => `${m.object.kind}/${m.object.metadata.name}`));
    for (const m of manifests) {
      const o = m.object as K8sObject & { roleRef?: { kind: string; name: string }; subjects?: { kind: string; name: string; namespace: string }[] };
      if (o.roleRef) expect(defined, m.file).toContain(`${o.roleRef.kind}/${o.roleRef.name}`);
      for (const s of o.subjects ?? []) expect(defined).toContain(`${s.kind}/${s.name}`);
      if (['Deployment', 'DaemonSet', 'Job', 'CronJob'].includes(o.kind)) {
        const pod = podOf(o);
        if (pod.serviceAccountName) expect(defined).toContain(`ServiceAccount/${pod.serviceAccountName}`);
        for (const v of pod.volumes ?? []) if (v.configMap) expect(defined).toContain(`ConfigMap/${v.configMap.name}`);
      }
      if (o.kind !== 'Namespace' && !o.kind.startsWith('Cluster')) expect(o.metadata.namespace, keyOf(o)).toBe('cookiemonster');
      expect(o.metadata.labels?.['app.kubernetes.io/name'], keyOf(o)).toBe('kube-cookiemonster');
    }
  });
});
