import { dirname } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { CookieError } from '../errors.js';
import type { ResolvedKubeConfig } from './kubeconfig.js';

/** A client-node KubeConfig from an already resolved kubeconfig (never `loadFromDefault`): for exec and plugin auth. */
export function buildKubeConfig(resolved: ResolvedKubeConfig): k8s.KubeConfig {
  const kc = new k8s.KubeConfig();
  if (resolved.inCluster) {
    const { server, caFile, tokenFile } = resolved.inCluster;
    kc.loadFromOptions({
      clusters: [{ name: 'in-cluster', server, caFile, skipTLSVerify: false }],
      // client-node re-reads a token file every minute, so rotated service-account tokens keep working.
      users: [{ name: 'in-cluster', authProvider: { name: 'tokenFile', config: { tokenFile } } }],
      contexts: [{ name: 'in-cluster', cluster: 'in-cluster', user: 'in-cluster', namespace: resolved.namespace }],
      currentContext: 'in-cluster',
    });
    return kc;
  }
  const clusters: k8s.Cluster[] = [];
  const users: k8s.User[] = [];
  const contexts: k8s.Context[] = [];
  const addNew = <T extends { name: string }>(into: T[], items: T[]): void => {
    for (const item of items) if (!into.some((known) => known.name === item.name)) into.push(item);
  };
  for (const doc of resolved.documents) {
    const part = new k8s.KubeConfig();
    try {
      part.loadFromString(doc.text);
    } catch (error) {
      throw new CookieError('config-invalid', `kubeconfig ${doc.path ?? 'inline'}: ${(error as Error).message.split('\n')[0]}`, { cause: error });
    }
    if (doc.path) part.makePathsAbsolute(dirname(doc.path));
    addNew(clusters, part.clusters ?? []);
    addNew(users, part.users ?? []);
    addNew(contexts, part.contexts ?? []);
  }
  kc.loadFromOptions({ clusters, users, contexts, currentContext: resolved.context });
  return kc;
}
