import type { Cookie } from '../config/schema.js';
import { describeError } from '../errors.js';
import type { Cluster, WorkloadKind, WorkloadRef } from '../kube/types.js';
import type { EntryOf, KillLog } from '../log/entries.js';
import type { Attachment } from './notifier.js';

const kindNames: Record<WorkloadKind, string> = { deployment: 'Deployment', statefulset: 'StatefulSet', daemonset: 'DaemonSet' };

export interface KillEventOptions {
  /** Cookies whose kills get an Event (`events: true`), unless `all`. */
  cookies: readonly Cookie[];
  /** `--events`: an Event for every kill, whatever the cookie says. */
  all?: boolean;
}

/**
 * A Kubernetes Event on the victim's owner workload for every real kill (`kubectl describe deployment X` then shows
 * it). The workload's uid is read once per workload. A failure is a `notify-failed` entry, never a run failure.
 */
export function attachKillEvents(log: KillLog, cluster: Cluster, options: KillEventOptions): Attachment {
  const wanted = new Set(options.cookies.filter((c) => c.group === 'killpod' && c.events).map((c) => c.name));
  const uids = new Map<string, Promise<string>>();
  const inFlight = new Set<Promise<void>>();

  const uidOf = (ref: WorkloadRef): Promise<string> => {
    const key = `${ref.kind}/${ref.namespace}/${ref.name}`;
    let uid = uids.get(key);
    if (!uid) {
      uid = cluster.getWorkload(ref).then((w) => w?.uid ?? '');
      uids.set(key, uid);
      uid.catch(() => uids.delete(key));
    }
    return uid;
  };

  const record = async (bite: EntryOf<'bite'>): Promise<void> => {
    const { workload, pod } = bite;
    try {
      const uid = await uidOf(workload);
      await cluster.createEvent(workload.namespace, {
        involved: { kind: kindNames[workload.kind], namespace: workload.namespace, name: workload.name, uid, apiVersion: 'apps/v1' },
        reason: bite.mode === 'evict' ? 'ChaosEviction' : 'ChaosKill',
        message: `kube-cookiemonster cookie ${bite.cookie} ${bite.mode === 'evict' ? 'evicted' : 'deleted'} pod ${pod.name}`,
        type: 'Normal',
      });
    } catch (error) {
      log.append({ kind: 'notify-failed', channel: 'event', message: `Event for pod ${pod.namespace}/${pod.name}: ${describeError(error)}` });
    }
  };

  const detach = log.subscribe((entry) => {
    if (entry.kind !== 'bite' || entry.dryRun || !(options.all || wanted.has(entry.cookie))) return;
    const pending = record(entry);
    inFlight.add(pending);
    void pending.finally(() => inFlight.delete(pending));
  });
  return {
    flush: async () => {
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },
    detach,
  };
}
