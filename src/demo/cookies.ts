import { killPodFileSchema } from '../config/schema.js';
import { fromKillPodFile } from '../config/normalize.js';
import type { Cookie } from '../config/schema.js';

/** The demo's cookies: the original random-deployment cookie, a quorum-guarded StatefulSet and a DaemonSet, on short intervals. */
const files: Record<string, unknown> = {
  'openstack-random-deployment': { name: '', kind: 'deployment', namespace: 'openstack', target: 1, interval: '2s', slack: false },
  'mariadb-quorum': { name: 'mariadb', kind: 'statefulset', namespace: 'openstack', target: 1, interval: '3s', safety: { quorum: true } },
  'openvswitch-agent': { name: 'openvswitch-agent', kind: 'daemonset', namespace: 'openstack', target: 1, interval: '4s' },
  horizon: { name: 'horizon', kind: 'deployment', namespace: 'openstack', target: 1, interval: '5s' },
};

export function demoCookies(): Cookie[] {
  return Object.entries(files).map(([name, file]) => fromKillPodFile(name, `demo:${name}`, killPodFileSchema.parse(file)));
}
