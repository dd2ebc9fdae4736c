/** API paths of the resources we touch, with every name segment encoded. */

const seg = encodeURIComponent;

export const namespacedPath = (prefix: '/api/v1' | '/apis/apps/v1' | `/apis/discovery.k8s.io/${'v1' | 'v1beta1'}`, namespace: string, resource: string, name?: string): string =>
  `${prefix}/namespaces/${seg(namespace)}/${resource}${name === undefined ? '' : `/${seg(name)}`}`;

export const podPath = (namespace: string, name?: string): string => namespacedPath('/api/v1', namespace, 'pods', name);
