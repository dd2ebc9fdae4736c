import { writeFile } from 'node:fs/promises';
import { stringify } from 'yaml';
import type { KubeApi } from './kube-api.js';
import { waitFor } from './workloads.js';

/** What the restricted identity may do: read workloads and pods, but not delete or evict pods. */
export const readOnlyRules = [
  { apiGroups: ['apps'], resources: ['deployments', 'statefulsets', 'daemonsets', 'replicasets'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] },
];

/**
 * A ServiceAccount bound to a namespaced Role with `readOnlyRules`, and its token from the token Secret that a 1.20
 * controller-manager creates by itself. Returns the bearer token.
 */
export async function createReadOnlyServiceAccount(api: KubeApi, namespace: string, name: string): Promise<string> {
  await api.call('POST', `/api/v1/namespaces/${namespace}/serviceaccounts`, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name } });
  await api.call('POST', `/apis/rbac.authorization.k8s.io/v1/namespaces/${namespace}/roles`, {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: { name },
    rules: readOnlyRules,
  });
  await api.call('POST', `/apis/rbac.authorization.k8s.io/v1/namespaces/${namespace}/rolebindings`, {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
    subjects: [{ kind: 'ServiceAccount', name, namespace }],
  });
  return waitFor(`the token Secret of ServiceAccount ${namespace}/${name}`, 20_000, async () => {
    const sa = await api.call('GET', `/api/v1/namespaces/${namespace}/serviceaccounts/${name}`);
    const secretName = (sa.secrets as { name: string }[] | undefined)?.[0]?.name;
    if (!secretName) return undefined;
    const secret = await api.call('GET', `/api/v1/namespaces/${namespace}/secrets/${secretName}`);
    const token = secret.data?.token as string | undefined;
    return token ? Buffer.from(token, 'base64').toString('utf8') : undefined;
  });
}

/** A single-context kubeconfig for `server` with a bearer token; CA data when the server is https. */
export async function writeTokenKubeconfig(path: string, options: { server: string; token: string; caPem?: string | undefined; namespace: string }): Promise<void> {
  const cluster: Record<string, unknown> = { server: options.server };
  if (options.caPem) cluster['certificate-authority-data'] = Buffer.from(options.caPem).toString('base64');
  else if (options.server.startsWith('https:')) cluster['insecure-skip-tls-verify'] = true;
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'e2e', cluster }],
    users: [{ name: 'e2e-user', user: { token: options.token } }],
    contexts: [{ name: 'e2e', context: { cluster: 'e2e', user: 'e2e-user', namespace: options.namespace } }],
    'current-context': 'e2e',
  };
  await writeFile(path, stringify(config), { mode: 0o600 });
}
