import { isCookieError } from '../errors.js';
import { createApiClients } from './client.js';
import { createEvictor } from './eviction.js';
import type { ResolvedKubeConfig } from './kubeconfig.js';
import { toNodeInfo, toPod } from './mapping.js';
import { createRequester, type RequestSettings } from './request.js';
import { selectorToString } from './selector.js';
import { workloadKinds, type Cluster, type HelmRelease, type Workload, type WorkloadKind } from './types.js';
import { workloadApis } from './workloads.js';

export interface ClusterSettings extends Omit<RequestSettings, 'server'> {
  /** `limit` of each list page. */
  pageSize: number;
}

/** The real Cluster: client-node over HTTP. Loaded lazily by index.ts. */
export function createKubeCluster(resolved: ResolvedKubeConfig, settings: ClusterSettings): Cluster {
  const { core, apps, authorization, version } = createApiClients(resolved);
  const requester = createRequester({ ...settings, server: resolved.server });
  const { call, listAll } = requester;
  const limit = settings.pageSize;

  const listWorkloadsBy = (namespace: string, kind: WorkloadKind, labelSelector: string | undefined, signal?: AbortSignal): Promise<Workload[]> => {
    const api = workloadApis[kind];
    return listAll(
      { verb: 'list', resource: api.resource, group: 'apps', namespace },
      (next, o) => api.list(apps, { namespace, labelSelector, limit, _continue: next }, o),
      signal,
    );
  };

  const cluster: Cluster = {
    server: resolved.server,
    defaultNamespace: resolved.namespace,

    async getWorkload(ref, options = {}) {
      const api = workloadApis[ref.kind];
      try {
        return await call(
          { verb: 'get', resource: api.resource, group: 'apps', namespace: ref.namespace, name: ref.name },
          (o) => api.read(apps, ref.namespace, ref.name, o),
          options.signal,
        );
      } catch (error) {
        if (isCookieError(error) && error.code === 'not-found') return undefined;
        throw error;
      }
    },

    listWorkloads: (namespace, kind, options = {}) => listWorkloadsBy(namespace, kind, undefined, options.signal),

    async listPods(namespace, selector, options = {}) {
      const labelSelector = selectorToString(selector) || undefined;
      const pods = await listAll(
        { verb: 'list', resource: 'pods', namespace },
        (next, o) => core.listNamespacedPod({ namespace, labelSelector, limit, _continue: next }, o),
        options.signal,
      );
      return pods.map((p) => toPod(p, namespace));
    },

    async deletePod(pod, options = {}) {
      await call(
        { verb: 'delete', resource: 'pods', namespace: pod.namespace, name: pod.name },
        (o) =>
          core.deleteNamespacedPod(
            {
              namespace: pod.namespace,
              name: pod.name,
              gracePeriodSeconds: options.gracePeriodSeconds,
              dryRun: options.serverDryRun ? 'All' : undefined,
              body: { preconditions: { uid: pod.uid } },
            },
            o,
          ),
        options.signal,
      );
    },

    evictPod: createEvictor(core, requester),

    async getHelmRelease(namespace, name, options = {}) {
      const secrets = await listAll(
        { verb: 'list', resource: 'secrets', namespace },
        (next, o) => core.listNamespacedSecret({ namespace, labelSelector: `owner=helm,name=${name}`, limit, _continue: next }, o),
        options.signal,
      );
      let latest: HelmRelease | undefined;
      for (const secret of secrets) {
        const labels = secret.metadata?.labels ?? {};
        const revision = Number(labels['version'] ?? /\.v(\d+)$/.exec(secret.metadata?.name ?? '')?.[1] ?? Number.NaN);
        if (!Number.isInteger(revision)) continue;
        if (!latest || revision > latest.revision) latest = { name, namespace, revision, status: labels['status'] ?? 'unknown' };
      }
      return latest;
    },

    async listReleaseWorkloads(namespace, release, options = {}) {
      for (const selector of [`app.kubernetes.io/instance=${release}`, `release=${release}`]) {
        const found = await Promise.all(workloadKinds.map((kind) => listWorkloadsBy(namespace, kind, selector, options.signal)));
        const all = found.flat();
        if (all.length > 0) return all;
      }
      return [];
    },

    async listNodes(options = {}) {
      const nodes = await listAll({ verb: 'list', resource: 'nodes' }, (next, o) => core.listNode({ limit, _continue: next }, o), options.signal);
      return nodes.map(toNodeInfo);
    },

    async createEvent(namespace, event, options = {}) {
      const now = new Date();
      await call(
        { verb: 'create', resource: 'events', namespace },
        (o) =>
          core.createNamespacedEvent(
            {
              namespace,
              body: {
                apiVersion: 'v1',
                kind: 'Event',
                metadata: { generateName: `${event.involved.name}.`, namespace },
                involvedObject: { ...event.involved },
                reason: event.reason,
                message: event.message,
                type: event.type,
                source: { component: 'kube-cookiemonster' },
                reportingComponent: 'kube-cookiemonster',
                reportingInstance: 'kube-cookiemonster',
                firstTimestamp: now,
                lastTimestamp: now,
                count: 1,
              },
            },
            o,
          ),
        options.signal,
      );
    },

    async canI(check, options = {}) {
      const review = await call(
        { verb: 'create', resource: 'selfsubjectaccessreviews', group: 'authorization.k8s.io' },
        (o) =>
          authorization.createSelfSubjectAccessReview(
            {
              body: {
                apiVersion: 'authorization.k8s.io/v1',
                kind: 'SelfSubjectAccessReview',
                spec: {
                  resourceAttributes: {
                    verb: check.verb,
                    resource: check.resource,
                    subresource: check.subresource,
                    group: check.group ?? '',
                    namespace: check.namespace,
                  },
                },
              },
            },
            o,
          ),
        options.signal,
      );
      return review.status?.allowed === true;
    },

    async version(options = {}) {
      const info = await call({ verb: 'get', resource: 'version' }, (o) => version.getCode({}, o), options.signal);
      return info.gitVersion;
    },
  };
  return cluster;
}
