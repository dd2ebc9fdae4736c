/** The resources the fake API server serves, and how a request path names one. */
export interface ResourceInfo {
  group: string;
  versions: readonly string[];
  resource: string;
  kind: string;
  namespaced: boolean;
  subresources: readonly string[];
}

export const resourceTable: readonly ResourceInfo[] = [
  { group: '', versions: ['v1'], resource: 'pods', kind: 'Pod', namespaced: true, subresources: ['status', 'eviction'] },
  { group: '', versions: ['v1'], resource: 'namespaces', kind: 'Namespace', namespaced: false, subresources: [] },
  { group: '', versions: ['v1'], resource: 'nodes', kind: 'Node', namespaced: false, subresources: ['status'] },
  { group: '', versions: ['v1'], resource: 'events', kind: 'Event', namespaced: true, subresources: [] },
  { group: '', versions: ['v1'], resource: 'secrets', kind: 'Secret', namespaced: true, subresources: [] },
  { group: 'apps', versions: ['v1'], resource: 'deployments', kind: 'Deployment', namespaced: true, subresources: ['status'] },
  { group: 'apps', versions: ['v1'], resource: 'statefulsets', kind: 'StatefulSet', namespaced: true, subresources: ['status'] },
  { group: 'apps', versions: ['v1'], resource: 'daemonsets', kind: 'DaemonSet', namespaced: true, subresources: ['status'] },
  { group: 'apps', versions: ['v1'], resource: 'replicasets', kind: 'ReplicaSet', namespaced: true, subresources: ['status'] },
  { group: 'policy', versions: ['v1', 'v1beta1'], resource: 'poddisruptionbudgets', kind: 'PodDisruptionBudget', namespaced: true, subresources: ['status'] },
  { group: 'discovery.k8s.io', versions: ['v1', 'v1beta1'], resource: 'endpointslices', kind: 'EndpointSlice', namespaced: true, subresources: [] },
  { group: 'authorization.k8s.io', versions: ['v1'], resource: 'selfsubjectaccessreviews', kind: 'SelfSubjectAccessReview', namespaced: false, subresources: [] },
];

export interface Target {
  info: ResourceInfo;
  version: string;
  /** `group/version` or `v1`. */
  apiVersion: string;
  namespace: string | undefined;
  name: string | undefined;
  subresource: string | undefined;
}

/** Does this server serve `group/version`? (policy/v1 only from 1.21 on.) */
export type VersionFilter = (group: string, version: string) => boolean;

/** Parses `/api/v1/...` or `/apis/GROUP/VERSION/...`; undefined when no served resource matches. */
export function parseResourcePath(path: string, serves: VersionFilter): Target | undefined {
  const segments = path.split('/').filter(Boolean).map(decodeURIComponent);
  let group: string;
  let version: string;
  let rest: string[];
  if (segments[0] === 'api' && segments[1] === 'v1') {
    group = '';
    version = 'v1';
    rest = segments.slice(2);
  } else if (segments[0] === 'apis' && segments.length >= 3) {
    group = segments[1] ?? '';
    version = segments[2] ?? '';
    rest = segments.slice(3);
  } else {
    return undefined;
  }
  if (!serves(group, version)) return undefined;
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const [resource, name, subresource, ...extra] = rest;
  if (extra.length > 0 || resource === undefined) return undefined;
  const info = resourceTable.find((r) => r.group === group && r.resource === resource && r.versions.includes(version));
  if (!info) return undefined;
  if (namespace !== undefined && !info.namespaced) return undefined;
  // A namespaced resource without a namespace is only a list across all namespaces.
  if (namespace === undefined && info.namespaced && name !== undefined) return undefined;
  if (subresource !== undefined && !info.subresources.includes(subresource)) return undefined;
  return { info, version, apiVersion: group ? `${group}/${version}` : version, namespace, name, subresource };
}

/** The RBAC verb of a request. */
export function verbOf(method: string, target: Target, watch: boolean): string {
  switch (method) {
    case 'GET':
      return target.name === undefined ? (watch ? 'watch' : 'list') : 'get';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return target.name === undefined ? 'deletecollection' : 'delete';
    default:
      return method.toLowerCase();
  }
}
