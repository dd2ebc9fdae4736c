import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { lintObject } from './k8s-schema.js';
import { chartDir, keyOf, loadManifests, parseObjects, type K8sObject } from './manifests.js';
import { renderChart } from './render-chart.js';

const release = { Name: 'cookiemonster', Namespace: 'cookiemonster' };
const everything = { nodeExec: { enabled: true }, runJob: { enabled: true }, cronJob: { enabled: true } };

function rendered(overrides: Record<string, unknown> = {}, rel = release): K8sObject[] {
  return [...renderChart(chartDir, rel, overrides)].flatMap(([file, text]) => parseObjects(text, `templates/${file}`));
}

const byKey = (objects: K8sObject[]) => Object.fromEntries(objects.map((o) => [keyOf(o), o]));
/** The raw manifests the chart must reproduce: all but the Namespace (`helm install --create-namespace` makes it). */
const raw = (files: (f: string) => boolean) => loadManifests().filter((m) => m.object.kind !== 'Namespace' && files(m.file)).map((m) => m.object);

describe('Helm chart deploy/helm/kube-cookiemonster (rendered without helm: see render-chart.ts)', () => {
  it('Chart.yaml is a v2 application chart needing Kubernetes ≥ 1.21 (CronJob batch/v1)', async () => {
    const chart = parse(await readFile(join(chartDir, 'Chart.yaml'), 'utf8')) as Record<string, unknown>;
    expect(chart).toMatchObject({ apiVersion: 'v2', name: 'kube-cookiemonster', type: 'application', kubeVersion: '>=1.21.0-0' });
  });

  it('with default values renders exactly deploy/rbac.yaml, cookies.yaml and server.yaml: no nodeexec, no chaos on install', () => {
    const top = raw((f) => !f.includes('/'));
    expect(byKey(rendered())).toEqual(byKey(top));
    expect(top.map(keyOf).sort()).toEqual([
      'ClusterRole//cookiemonster', 'ClusterRoleBinding//cookiemonster', 'ConfigMap/cookiemonster/cookiemonster-cm-killpod',
      'ConfigMap/cookiemonster/cookiemonster-cm-nodeexec', 'Deployment/cookiemonster/cookiemonster', 'Service/cookiemonster/cookiemonster',
      'ServiceAccount/cookiemonster/cookiemonster',
    ]);
  });

  it('with nodeExec, runJob and cronJob enabled renders every manifest of deploy/, the same object for object', () => {
    expect(byKey(rendered(everything))).toEqual(byKey(raw(() => true)));
  });

  it('values and the release really flow into the objects', () => {
    const objects = byKey(rendered({ ...everything, image: { repository: 'registry.example/kcm', tag: '9.9.9' }, service: { nodePort: 31003 }, cronJob: { enabled: true, suspend: false, schedule: '*/5 * * * *' } }, { Name: 'chaos', Namespace: 'qa' }));
    expect(Object.keys(objects)).toContain('Deployment/qa/chaos');
    expect(objects['ClusterRoleBinding//chaos']).toMatchObject({ roleRef: { name: 'chaos' }, subjects: [{ name: 'chaos', namespace: 'qa' }] });
    expect(objects['Service/qa/chaos']).toMatchObject({ spec: { ports: [{ nodePort: 31003 }] } });
    expect(JSON.stringify(objects['Deployment/qa/chaos'])).toContain('"image":"registry.example/kcm:9.9.9"');
    expect(JSON.stringify(objects['DaemonSet/qa/chaos-node-worker'])).toContain('"image":"registry.example/kcm:9.9.9"');
    expect(objects['CronJob/qa/chaos-run']).toMatchObject({ spec: { suspend: false, schedule: '*/5 * * * *' } });
    expect(JSON.stringify(objects['Job/qa/chaos-run'])).toContain('"configMap":{"name":"chaos-cm-killpod"}');
    const cookies = rendered({ cookies: { killpod: { 'mine.json': '{"kind":"deployment","namespace":"a","interval":5}\n' }, nodeexec: {} } });
    expect(byKey(cookies)['ConfigMap/cookiemonster/cookiemonster-cm-killpod']).toMatchObject({ data: { 'mine.json': '{"kind":"deployment","namespace":"a","interval":5}\n' } });
    for (const o of Object.values(objects)) expect(lintObject(o), keyOf(o)).toEqual([]);
  });

  it('the renderer refuses template forms it does not render exactly', async () => {
    const { mkdtemp, mkdir, writeFile, copyFile } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const dir = await mkdtemp(join(tmpdir(), 'kcm-chart-'));
    await mkdir(join(dir, 'templates'));
    await copyFile(join(chartDir, 'Chart.yaml'), join(dir, 'Chart.yaml'));
    await copyFile(join(chartDir, 'values.yaml'), join(dir, 'values.yaml'));
    await writeFile(join(dir, 'templates', 'x.yaml'), 'name: {{ .Values.image.tag | quote }}\n');
    expect(() => renderChart(dir, release)).toThrow('unsupported template action {{ .Values.image.tag | quote }}');
    await writeFile(join(dir, 'templates', 'x.yaml'), 'name: {{ .Values.nope }}\n');
    expect(() => renderChart(dir, release)).toThrow('.Values.nope is not a scalar value');
    await writeFile(join(dir, 'templates', 'x.yaml'), '{{- if .Values.nodeExec.enabled }}\nname: x\n');
    expect(() => renderChart(dir, release)).toThrow('{{ if }} without {{ end }}');
  });
});
