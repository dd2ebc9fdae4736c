import type { Cookie } from '../config/schema.js';
import { CookieError, isCookieError } from '../errors.js';
import type { AccessCheck, Cluster } from '../kube/types.js';
import type { KillLog, KillMode } from '../log/entries.js';
import { mapWithConcurrency } from './concurrency.js';

/** A permission a run needs, and the cookies that need it. */
export interface AccessNeed {
  check: AccessCheck;
  cookies: string[];
}

const workloadResource = { deployment: 'deployments', statefulset: 'statefulsets', daemonset: 'daemonsets' } as const;

/**
 * Every verb the cookies use before and during their ticks, in their namespaces: reading the workload (get when named,
 * list when random), listing its pods, watching both (list and watch: targets and recovery stages), the kill itself (delete pods, or create pods/eviction), Events when a cookie asks
 * for them, and for nodeexec what its runner declares (list nodes, exec into the worker pods).
 */
export function accessNeeds(cookies: readonly Cookie[], options: { mode: KillMode; nodeExec?: readonly AccessCheck[] | undefined }): AccessNeed[] {
  const needs = new Map<string, AccessNeed>();
  const need = (check: AccessCheck, cookie: string): void => {
    const key = [check.verb, check.group ?? '', check.resource, check.subresource ?? '', check.namespace].join('|');
    const known = needs.get(key);
    if (known) known.cookies.includes(cookie) || known.cookies.push(cookie);
    else needs.set(key, { check, cookies: [cookie] });
  };
  for (const cookie of cookies) {
    if (cookie.group === 'nodeexec') {
      for (const check of options.nodeExec ?? []) need(check, cookie.name);
      continue;
    }
    const { namespace } = cookie;
    need({ verb: cookie.workload ? 'get' : 'list', group: 'apps', resource: workloadResource[cookie.kind], namespace }, cookie.name);
    need({ verb: 'list', resource: 'pods', namespace }, cookie.name);
    need({ verb: 'list', group: 'apps', resource: workloadResource[cookie.kind], namespace }, cookie.name);
    need({ verb: 'watch', group: 'apps', resource: workloadResource[cookie.kind], namespace }, cookie.name);
    need({ verb: 'watch', resource: 'pods', namespace }, cookie.name);
    const mode = cookie.mode ?? options.mode;
    need(mode === 'evict' ? { verb: 'create', resource: 'pods', subresource: 'eviction', namespace } : { verb: 'delete', resource: 'pods', namespace }, cookie.name);
    if (cookie.events) need({ verb: 'create', resource: 'events', namespace }, cookie.name);
  }
  return [...needs.values()];
}

export function describeAccess(check: AccessCheck): string {
  const resource = `${check.resource}${check.subresource ? `/${check.subresource}` : ''}${check.group ? ` (API group ${check.group})` : ''}`;
  return `${check.verb} ${resource} ${check.namespace ? `in namespace "${check.namespace}"` : 'at cluster scope'}`;
}

/**
 * Asks the API server (SelfSubjectAccessReview) for every need at once, before the first kill. Each missing permission is
 * an `error` entry, and the run stops with one `forbidden` error naming them all (exit 3). A server that refuses the
 * reviews themselves cannot tell: the run goes on, and a refused kill is reported where it happens.
 */
export async function checkAccess(cluster: Cluster, needs: readonly AccessNeed[], log: KillLog, signal?: AbortSignal): Promise<void> {
  const answers = await mapWithConcurrency(needs, 8, async (need) => {
    try {
      return await cluster.canI(need.check, { signal });
    } catch (error) {
      if (isCookieError(error) && (error.code === 'forbidden' || error.code === 'not-found')) return true;
      throw error;
    }
  });
  const missing = needs.filter((_, i) => answers[i] === false);
  if (missing.length === 0) return;
  for (const { check, cookies } of missing) {
    log.append({ kind: 'error', cookie: cookies[0], code: 'forbidden', message: `RBAC preflight: cannot ${describeAccess(check)}, needed by cookie ${cookies.join(', ')}` });
  }
  const list = missing.map(({ check }) => describeAccess(check)).join('; ');
  throw new CookieError('forbidden', `RBAC preflight: the identity cannot ${list}; nothing was killed`, {
    hint: 'grant what deploy/rbac.yaml grants (or run with --skip-preflight to find out at the first kill)',
  });
}
