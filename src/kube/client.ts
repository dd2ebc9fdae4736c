import { dirname } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { CookieError } from '../errors.js';
import type { ResolvedKubeConfig } from './kubeconfig.js';

/** The client-node API objects we use, built from an already resolved kubeconfig (never `loadFromDefault`). */
export interface ApiClients {
  core: k8s.CoreV1Api;
  apps: k8s.AppsV1Api;
  authorization: k8s.AuthorizationV1Api;
  version: k8s.VersionApi;
}

export function createApiClients(resolved: ResolvedKubeConfig): ApiClients {
  const kc = buildKubeConfig(resolved);
  return {
    core: kc.makeApiClient(k8s.CoreV1Api),
    apps: kc.makeApiClient(k8s.AppsV1Api),
    authorization: kc.makeApiClient(k8s.AuthorizationV1Api),
    version: kc.makeApiClient(k8s.VersionApi),
  };
}

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

/** Per-request options that make client-node use `signal` (field notes §2 item 8: Observable middleware). */
export function signalOptions(signal: AbortSignal): k8s.ConfigurationOptions<k8s.ObservableMiddleware> {
  return {
    middleware: [
      {
        pre: (context) => {
          context.setSignal(signal);
          return new k8s.Observable(Promise.resolve(context));
        },
        post: (response) => new k8s.Observable(Promise.resolve(response)),
      },
    ],
    middlewareMergeStrategy: 'append',
  };
}

/** For patch calls: a JSON merge patch instead of client-node's default JSON Patch. */
export function mergePatchOptions(options: k8s.ConfigurationOptions<k8s.ObservableMiddleware>): k8s.ConfigurationOptions<k8s.ObservableMiddleware> {
  return k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch, options);
}

export type CallOptions = k8s.ConfigurationOptions<k8s.ObservableMiddleware>;
