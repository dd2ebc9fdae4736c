import type { KubeApi } from './kube-api.js';
import { listPods } from './workloads.js';

export interface ObservedPod {
  uid: string;
  name: string;
  firstSeen: number;
  lastSeen: number;
  everReady: boolean;
  /** When this pod was first seen Ready / with a deletionTimestamp (Terminating), if ever. */
  firstReady?: number;
  firstDeleting?: number;
  podIP: string;
  nodeName: string;
}

export interface PodObservation {
  /** Every pod UID seen while observing. */
  seen: Map<string, ObservedPod>;
  /** UIDs present in the last list, taken after observing stopped. */
  present: Set<string>;
  polls: number;
}

/**
 * Watches a namespace's pods from outside the product by listing them every `intervalMs`: the independent record
 * the kill log is checked against (which pods existed, which vanished, which replacements came).
 */
export function observePods(api: KubeApi, namespace: string, intervalMs = 150): { stop(): Promise<PodObservation> } {
  const seen = new Map<string, ObservedPod>();
  let polls = 0;
  let stopped = false;
  const poll = async (): Promise<Set<string>> => {
    const now = Date.now();
    const pods = await listPods(api, namespace);
    polls++;
    for (const p of pods) {
      const o = seen.get(p.uid) ?? { uid: p.uid, name: p.name, firstSeen: now, lastSeen: now, everReady: false, podIP: '', nodeName: '' };
      seen.set(p.uid, o);
      o.lastSeen = now;
      o.everReady ||= p.ready;
      if (p.ready) o.firstReady ??= now;
      if (p.deleting) o.firstDeleting ??= now;
      o.podIP ||= p.podIP;
      o.nodeName ||= p.nodeName;
    }
    return new Set(pods.map((p) => p.uid));
  };
  const loop = (async () => {
    while (!stopped) {
      await poll().catch(() => undefined);
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      const present = await poll();
      return { seen, present, polls };
    },
  };
}
