import { describeCount, type Count } from '../config/fields.js';
import type { Cookie, NodeExecTarget } from '../config/schema.js';
import type { WorkloadKind } from '../kube/types.js';

/** What a cookie aims at, as data: `cookie-start` entries carry it, and every wording is rendered from it. */
export type CookieScope =
  | { group: 'killpod'; kind: WorkloadKind; namespace: string; workload?: string | undefined; count: Count }
  | { group: 'nodeexec'; nodes: NodeExecTarget };

export function scopeOf(cookie: Cookie): CookieScope {
  if (cookie.group === 'nodeexec') return { group: 'nodeexec', nodes: cookie.target };
  return { group: 'killpod', kind: cookie.kind, namespace: cookie.namespace, workload: cookie.workload, count: cookie.count };
}

/** Our wording: "1 pod of deployment/keystone in openstack", "up to 50% of pods of a random statefulset in db", "all nodes". */
export function describeScope(scope: CookieScope): string {
  if (scope.group === 'nodeexec') {
    const t = scope.nodes;
    return t.kind === 'all' ? 'all nodes' : t.kind === 'random' ? 'a random node' : `node ${t.name}`;
  }
  const what = scope.workload ? `${scope.kind}/${scope.workload}` : `a random ${scope.kind}`;
  return `${describeCount(scope.count)} of ${what} in ${scope.namespace}`;
}

/** The original Cookiemonster's start line. */
export function describeScopeLegacy(scope: CookieScope): string {
  if (scope.group === 'nodeexec') {
    const t = scope.nodes;
    return `Cookie Time!!! Feast starting on ${t.kind === 'all' ? 'all nodes' : t.kind === 'random' ? 'random node' : `node ${t.name}`}`;
  }
  return `Cookie Time!!! ${scope.workload ? '' : 'Random '}${scope.workload ? 'Feast' : 'feast'} starting on ${describeScope(scope)}`;
}

export const describeCookieTarget = (cookie: Cookie): string => describeScope(scopeOf(cookie));
