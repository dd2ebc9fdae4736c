import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { killPodFileSchema } from '../config/schema.js';
import { fromKillPodFile } from '../config/normalize.js';
import type { Cookie } from '../config/schema.js';

/** The demo's cookies: the original random-deployment cookie, a quorum-guarded StatefulSet and a DaemonSet, on short intervals. */
export const demoCookieFiles: Readonly<Record<string, unknown>> = {
  'openstack-random-deployment': { name: '', kind: 'deployment', namespace: 'openstack', target: 1, interval: '2s', slack: false },
  'mariadb-quorum': { name: 'mariadb', kind: 'statefulset', namespace: 'openstack', target: 1, interval: '3s', safety: { quorum: true } },
  'openvswitch-agent': { name: 'openvswitch-agent', kind: 'daemonset', namespace: 'openstack', target: 1, interval: '4s' },
  horizon: { name: 'horizon', kind: 'deployment', namespace: 'openstack', target: 1, interval: '5s' },
};

export function demoCookies(): Cookie[] {
  return Object.entries(demoCookieFiles).map(([name, file]) => fromKillPodFile(name, `demo:${name}`, killPodFileSchema.parse(file)));
}

/** Writes the demo cookies as killpod cookie files under `<root>/killpod/`, for `serve --demo`, which reads a directory. */
export async function writeDemoCookies(root: string): Promise<void> {
  await mkdir(join(root, 'killpod'), { recursive: true });
  for (const [name, file] of Object.entries(demoCookieFiles)) await writeFile(join(root, 'killpod', `${name}.json`), `${JSON.stringify(file, null, 2)}\n`);
}
