import { selectorMatches } from './selector.js';
import { evaluateBudget } from './pdb.js';
import { notReadyStatus } from './pods.js';
import type { KubeObject, Store } from './store.js';
import { HttpError, notFound, successStatus } from './status.js';

/** DELETE and eviction of pods, with preconditions, dry run, grace periods and PodDisruptionBudgets. */
export interface RemovalContext {
  store: Store;
  /**
   * > 0: a deleted pod bound to a node stays Terminating (deletionTimestamp set, still Running, no longer Ready) for
   * min(this, its grace period), the time its containers take to stop, then disappears.
   */
  terminationDelayMs: number;
  /** Whether the server knows policy/v1 (Kubernetes ≥ 1.21). */
  servesPolicyV1: boolean;
  /** Schedules `action` on the simulation clock. */
  later(ms: number, action: () => void): void;
}

interface DeleteOptions {
  preconditions?: { uid?: string; resourceVersion?: string };
  gracePeriodSeconds?: number;
  dryRun?: string[];
}

export function isDryRun(query: URLSearchParams, options: DeleteOptions | undefined): boolean {
  return query.getAll('dryRun').includes('All') || (options?.dryRun ?? []).includes('All');
}

function findPod(ctx: RemovalContext, namespace: string, name: string, options: DeleteOptions | undefined): KubeObject {
  const pod = ctx.store.get('pods', namespace, name);
  if (!pod) throw notFound('pods', name);
  const uid = options?.preconditions?.uid;
  if (uid !== undefined && uid !== pod.metadata.uid) {
    throw new HttpError(409, 'Conflict', `Precondition failed: UID in precondition: ${uid}, UID in object meta: ${pod.metadata.uid}`, { name, kind: 'pods' });
  }
  return pod;
}

export function deletePod(ctx: RemovalContext, namespace: string, name: string, query: URLSearchParams, options: DeleteOptions | undefined): KubeObject {
  const pod = findPod(ctx, namespace, name, options);
  if (isDryRun(query, options)) return pod;
  const queryGrace = query.get('gracePeriodSeconds');
  const grace = Number(queryGrace ?? options?.gracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30);
  const delay = Math.min(ctx.terminationDelayMs, grace * 1000);
  if (delay <= 0 || !pod.spec?.nodeName) {
    ctx.store.remove('pods', namespace, name);
    return pod;
  }
  if (!pod.metadata.deletionTimestamp) {
    pod.metadata.deletionTimestamp = new Date(ctx.store.clock.now() + grace * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    pod.metadata.deletionGracePeriodSeconds = grace;
    pod.status = notReadyStatus(pod.status);
    ctx.store.update('pods', pod);
    const uid = pod.metadata.uid;
    ctx.later(delay, () => {
      if (ctx.store.get('pods', namespace, name)?.metadata.uid === uid) ctx.store.remove('pods', namespace, name);
    });
  }
  return pod;
}

interface EvictionBody {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string };
  deleteOptions?: DeleteOptions;
}

/** POST pods/NAME/eviction: 201 when evicted, 429 with a DisruptionBudget cause when a PDB forbids it. */
export function evictPod(ctx: RemovalContext, namespace: string, name: string, query: URLSearchParams, body: EvictionBody | undefined) {
  const apiVersion = body?.apiVersion;
  if (apiVersion === 'policy/v1' && !ctx.servesPolicyV1) {
    throw new HttpError(400, 'BadRequest', 'no kind "Eviction" is registered for version "policy/v1" in scheme "k8s.io/kubernetes/pkg/api/legacyscheme/scheme.go:30"');
  }
  if ((apiVersion !== 'policy/v1' && apiVersion !== 'policy/v1beta1') || body?.kind !== 'Eviction') {
    throw new HttpError(400, 'BadRequest', `expected an Eviction of policy/v1 or policy/v1beta1, got kind ${JSON.stringify(body?.kind)} of ${JSON.stringify(apiVersion)}`);
  }
  if (body.metadata?.name !== undefined && body.metadata.name !== name) {
    throw new HttpError(400, 'BadRequest', `name in URL does not match name in Eviction object`);
  }
  const options = body.deleteOptions;
  const pod = findPod(ctx, namespace, name, options);
  const phase = pod.status?.phase;
  const ignoresBudget = pod.metadata.deletionTimestamp !== undefined || phase === 'Succeeded' || phase === 'Failed' || phase === 'Pending';
  if (!ignoresBudget) {
    const budgets = ctx.store.list('poddisruptionbudgets', namespace).filter((b) => selectorMatches(pod.metadata.labels ?? {}, b.spec?.selector ?? {}));
    if (budgets.length > 1) {
      throw new HttpError(500, 'InternalError', 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.');
    }
    const budget = budgets[0];
    if (budget) {
      const state = evaluateBudget(ctx.store, budget);
      if (state.disruptionsAllowed <= 0) {
        throw new HttpError(429, 'TooManyRequests', "Cannot evict pod as it would violate the pod's disruption budget.", {
          causes: [
            {
              reason: 'DisruptionBudget',
              message: `The disruption budget ${budget.metadata.name} needs ${state.desiredHealthy} healthy pods and has ${state.currentHealthy} currently`,
            },
          ],
        });
      }
    }
  }
  if (!isDryRun(query, options)) deletePod(ctx, namespace, name, new URLSearchParams(), options);
  return successStatus(201);
}
