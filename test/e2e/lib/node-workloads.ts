import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Pods that really run on the real node (test/cluster/node-up.sh): busybox httpd behind an httpGet readiness probe,
 * with a SIGTERM trap that writes evidence to a hostPath file, `<evidence dir>/<pod name>.log`, one line per event:
 * `<uptime seconds> start|ready|SIGTERM|exit`.
 */
export const BUSYBOX_IMAGE = 'localhost/busybox:1.35';

export interface NodePodOptions {
  /** The hostPath directory the trap writes to (RealNode.evidenceDir). */
  evidenceDir: string;
  /** httpd (and so readiness) starts only this many seconds after the container. */
  readyAfterS?: number;
  /** A readiness probe that never passes: the pod runs but never becomes Ready. */
  neverReady?: boolean;
  /** Seconds the trap takes after SIGTERM before the container exits (default 2). */
  termSleepS?: number;
  terminationGracePeriodSeconds?: number;
}

// `$$(` is Kubernetes' escape for a literal `$(` in command/args (real-node.md gotcha 7); plain `$x` stays as is.
const script = (o: NodePodOptions): string =>
  [
    'ev() { echo "$$(cut -d" " -f1 /proc/uptime) $1" >>"/evidence/$POD_NAME.log"; }',
    'ev start',
    `trap 'ev SIGTERM; [ -n "$c" ] && kill $c; sleep ${o.termSleepS ?? 2}; ev exit; exit 0' TERM`,
    'mkdir -p /tmp/www && echo "$POD_NAME" >/tmp/www/index.html',
    ...(o.readyAfterS ? [`sleep ${o.readyAfterS} & wait $!`] : []),
    'httpd -f -p 8080 -h /tmp/www & c=$!',
    'ev serving',
    'wait $c',
  ].join('\n');

export function nodePodSpec(o: NodePodOptions): Record<string, unknown> {
  return {
    terminationGracePeriodSeconds: o.terminationGracePeriodSeconds ?? 5,
    containers: [
      {
        name: 'main',
        image: BUSYBOX_IMAGE,
        imagePullPolicy: 'Never',
        command: ['/bin/sh', '-c', script(o)],
        env: [{ name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
        ports: [{ containerPort: 8080 }],
        readinessProbe: o.neverReady ? { exec: { command: ['false'] }, periodSeconds: 1 } : { httpGet: { path: '/', port: 8080 }, periodSeconds: 1 },
        resources: { requests: { cpu: '5m', memory: '8Mi' }, limits: { cpu: '200m', memory: '32Mi' } },
        volumeMounts: [{ name: 'evidence', mountPath: '/evidence' }],
      },
    ],
    volumes: [{ name: 'evidence', hostPath: { path: o.evidenceDir, type: 'Directory' } }],
  };
}

export function statefulSetManifest(name: string, replicas: number, podSpec: Record<string, unknown>) {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name, labels: { app: name } },
    spec: { serviceName: name, replicas, podManagementPolicy: 'Parallel', selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: podSpec } },
  };
}

export function daemonSetManifest(name: string, podSpec: Record<string, unknown>) {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name, labels: { app: name } },
    spec: { selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: podSpec } },
  };
}

export interface EvidenceLine {
  uptime: number;
  event: string;
}

/** The lines a pod's trap wrote, [] if it wrote none. */
export function readEvidence(evidenceDir: string, podName: string): EvidenceLine[] {
  const file = join(evidenceDir, `${podName}.log`);
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [uptime, event] = line.split(' ');
      return { uptime: Number(uptime), event: event ?? '' };
    });
}
