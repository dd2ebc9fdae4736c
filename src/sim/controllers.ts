import { setMaxListeners } from 'node:events';
import type { Clock } from '../core/clock.js';
import { controllerOf, markPodReady, ownerReference, podObject } from './pods.js';
import type { KubeObject, Store } from './store.js';
import type { OwnerIndex } from './workload-status.js';

export interface ControllerTiming {
  /** Delay between a pod's deletion and its replacement (Pending). */
  replaceDelayMs: number;
  /** Delay between a replacement's creation and it becoming Running and Ready. */
  readyDelayMs: number;
}

/** Pod-template annotations that change how the simulated kubelet treats a workload's replacement pods. */
export const neverReadyAnnotation = 'kcm-test/never-ready';
export const readyDelayAnnotation = 'kcm-test/ready-delay-ms';

/**
 * ReplicaSet, StatefulSet and DaemonSet controllers in miniature: a deleted (or terminating) pod is replaced after
 * `replaceDelayMs`, and the replacement becomes Ready after `readyDelayMs`, both on the injected Clock.
 */
export function startControllers(store: Store, index: OwnerIndex, clock: Clock, timing: ControllerTiming): { stop(): void } {
  const stopper = new AbortController();
  setMaxListeners(0, stopper.signal);
  const later = (ms: number, action: () => void): void => {
    clock.sleep(ms, stopper.signal).then(action, () => undefined);
  };

  const scheduleReady = (pod: KubeObject, template: KubeObject['spec']): void => {
    const annotations: Record<string, string> = template?.metadata?.annotations ?? {};
    if (annotations[neverReadyAnnotation] === 'true') return;
    const delay = Number(annotations[readyDelayAnnotation] ?? timing.readyDelayMs);
    later(Number.isFinite(delay) ? delay : timing.readyDelayMs, () => {
      const current = store.get('pods', pod.metadata.namespace ?? '', pod.metadata.name);
      if (current && current.metadata.uid === pod.metadata.uid && !current.metadata.deletionTimestamp) markPodReady(store, current);
    });
  };

  const createPod = (owner: KubeObject, name: string, nodeName: string | undefined, extraLabels: Record<string, string> = {}): void => {
    const template = owner.spec?.template;
    const pod = store.create(
      'pods',
      podObject(store, {
        namespace: owner.metadata.namespace ?? '',
        name,
        labels: { ...template?.metadata?.labels, ...extraLabels },
        annotations: template?.metadata?.annotations,
        owner: ownerReference(owner),
        nodeName,
        ready: false,
        image: template?.spec?.containers?.[0]?.image,
      }),
    );
    scheduleReady(pod, template);
  };

  const reconcile = (resource: string, namespace: string, name: string): void => {
    const owner = store.get(resource, namespace, name);
    if (!owner) return;
    const pods = index.of(owner.metadata.uid, 'pods');
    const live = pods.filter((p) => !p.metadata.deletionTimestamp);
    if (resource === 'replicasets') {
      const nodes = store.list('nodes').map((n) => n.metadata.name);
      for (let i = live.length; i < (owner.spec?.replicas ?? 1); i++) {
        let podName: string;
        do podName = `${name}-${store.randomSuffix()}`;
        while (store.get('pods', namespace, podName));
        createPod(owner, podName, nodes.length > 0 ? nodes[(i + pods.length) % nodes.length] : undefined);
      }
    } else if (resource === 'statefulsets') {
      // A StatefulSet pod comes back under its own name only once the old one is gone (Terminating included).
      const nodes = store.list('nodes').map((n) => n.metadata.name).sort();
      for (let i = 0; i < (owner.spec?.replicas ?? 1); i++) {
        const podName = `${name}-${i}`;
        if (!store.get('pods', namespace, podName)) createPod(owner, podName, nodes[i % nodes.length], { 'statefulset.kubernetes.io/pod-name': podName });
      }
    } else if (resource === 'daemonsets') {
      const covered = new Set(live.map((p) => p.spec?.nodeName));
      for (const node of store.list('nodes')) {
        if (!covered.has(node.metadata.name)) createPod(owner, `${name}-${store.randomSuffix()}`, node.metadata.name);
      }
    }
  };

  const resourceOfKind: Record<string, string> = { ReplicaSet: 'replicasets', StatefulSet: 'statefulsets', DaemonSet: 'daemonsets' };
  const unsubscribe = store.on((type, resource, object) => {
    if (resource !== 'pods') return;
    const gone = type === 'DELETED' || (type === 'MODIFIED' && object.metadata.deletionTimestamp !== undefined);
    const owner = controllerOf(object);
    const ownerResource = owner ? resourceOfKind[owner.kind] : undefined;
    if (!gone || !owner || !ownerResource) return;
    later(timing.replaceDelayMs, () => reconcile(ownerResource, object.metadata.namespace ?? '', owner.name));
  });

  return {
    stop() {
      unsubscribe();
      stopper.abort(new Error('simulated controllers stopped'));
    },
  };
}
