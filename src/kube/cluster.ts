import type * as k8s from '@kubernetes/client-node';
import { isCookieError } from '../errors.js';
import type { Connection } from './connection.js';
import { createEvictor } from './eviction.js';
import type { ResolvedKubeConfig } from './kubeconfig.js';
import { toNodeInfo, toPod } from './mapping.js';
import { namespacedPath, podPath } from './paths.js';
import { createRequester, type ListPage, type RequestSettings } from './request.js';
import { createRest, type Rest } from './rest.js';
import { createRestStream, type RestStream } from './rest-stream.js';
import { selectorToString } from './selector.js';
import { workloadKinds, type Cluster, type HelmRelease, type Workload, type WorkloadKind } from './types.js';
import { runWatch, type WatchTarget } from './watch.js';
import { workloadApis } from './workloads.js';

export interface ClusterSettings extends Omit<RequestSettings, 'server'> {
  /** `limit` of each list page. */
  pageSize: number;
}

/**
 * The real Cluster: JSON over HTTP(S) to the API server. client-node's generated API is never loaded (it would cost a
 * run about 300 ms and 30 MB); only its types describe the JSON, whose date-time fields arrive as strings.
 */
export function createKubeCluster(
  resolved: ResolvedKubeConfig,
  connection: Connection,
  settings: ClusterSettings,
  rest: Rest = createRest(connection, { gzip: resolved.cluster?.fields['disable-compression'] !== true }),
  stream: RestStream = createRestStream(connection),
): Cluster {
  const requester = createRequester({ ...settings, server: resolved.server });
  const { call, listAll } = requester;
  const limit = settings.pageSize;
  const get = <T>(path: string) => (signal: AbortSignal) => rest<T>({ method: 'GET', path, signal });
  const page = <T>(path: string, query: Record<string, string | undefined> = {}) => (next: string | undefined, signal: AbortSignal) =>
    rest<ListPage<T>>({ method: 'GET', path, query: { ...query, limit, continue: next }, signal });
  const post = <T>(path: string, body: unknown) => (signal: AbortSignal) => rest<T>({ method: 'POST', path, body, signal });

  const listWorkloadsBy = (namespace: string, kind: WorkloadKind, labelSelector: string | undefined, signal?: AbortSignal): Promise<Workload[]> => {
    const api = workloadApis[kind];
    return listAll(
      { verb: 'list', resource: api.resource, group: 'apps', namespace },
      page(namespacedPath('/apis/apps/v1', namespace, api.resource), { labelSelector }),
      (item) => api.toWorkload(item, namespace),
      signal,
    );
  };

  const watchDeps = { requester, stream, server: resolved.server, pageSize: limit, get: <R>(path: string, query: Record<string, string | number | undefined>, signal: AbortSignal) => rest<R>({ method: 'GET', path, query, signal }) };
  const watch = <T>(target: WatchTarget<T>, listener: Parameters<typeof runWatch<T>>[2], options: Parameters<typeof runWatch<T>>[3]): void => {
    void runWatch(watchDeps, target, listener, options);
  };

  const cluster: Cluster = {
    server: resolved.server,
    defaultNamespace: resolved.namespace,

    async getWorkload(ref, options = {}) {
      const api = workloadApis[ref.kind];
      try {
        const object = await call(
          { verb: 'get', resource: api.resource, group: 'apps', namespace: ref.namespace, name: ref.name },
          get(namespacedPath('/apis/apps/v1', ref.namespace, api.resource, ref.name)),
          options.signal,
        );
        return api.toWorkload(object, ref.namespace);
      } catch (error) {
        if (isCookieError(error) && error.code === 'not-found') return undefined;
        throw error;
      }
    },

    listWorkloads: (namespace, kind, options = {}) => listWorkloadsBy(namespace, kind, undefined, options.signal),

    async listPods(namespace, selector, options = {}) {
      const labelSelector = selectorToString(selector) || undefined;
      return listAll({ verb: 'list', resource: 'pods', namespace }, page<k8s.V1Pod>(podPath(namespace), { labelSelector }), (p) => toPod(p, namespace), options.signal);
    },

    async deletePod(pod, options = {}) {
      await call(
        { verb: 'delete', resource: 'pods', namespace: pod.namespace, name: pod.name },
        (signal) =>
          rest({
            method: 'DELETE',
            path: podPath(pod.namespace, pod.name),
            query: { gracePeriodSeconds: options.gracePeriodSeconds, dryRun: options.serverDryRun ? 'All' : undefined },
            body: { preconditions: { uid: pod.uid } },
            signal,
          }),
        options.signal,
      );
    },

    evictPod: createEvictor(rest, requester),

    async getHelmRelease(namespace, name, options = {}) {
      // Only the metadata is kept: each release Secret carries the whole chart in its data.
      const secrets = await listAll(
        { verb: 'list', resource: 'secrets', namespace },
        page<k8s.V1Secret>(namespacedPath('/api/v1', namespace, 'secrets'), { labelSelector: `owner=helm,name=${name}` }),
        (secret) => ({ name: secret.metadata?.name ?? '', labels: secret.metadata?.labels ?? {} }),
        options.signal,
      );
      let latest: HelmRelease | undefined;
      for (const secret of secrets) {
        const labels = secret.labels;
        const revision = Number(labels['version'] ?? /\.v(\d+)$/.exec(secret.name)?.[1] ?? Number.NaN);
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
      return listAll({ verb: 'list', resource: 'nodes' }, page<k8s.V1Node>('/api/v1/nodes'), toNodeInfo, options.signal);
    },

    async countReadyEndpoints(namespace, service, options = {}) {
      const labelSelector = `kubernetes.io/service-name=${service}`;
      const slices = (version: 'v1' | 'v1beta1') =>
        listAll(
          { verb: 'list', resource: 'endpointslices', group: 'discovery.k8s.io', namespace },
          page<k8s.V1EndpointSlice>(namespacedPath(`/apis/discovery.k8s.io/${version}`, namespace, 'endpointslices'), { labelSelector }),
          (slice) => (slice.endpoints ?? []).filter((e) => e.conditions?.ready !== false).length,
          options.signal,
        );
      let counts: number[];
      try {
        counts = await slices('v1');
      } catch (error) {
        if (!isCookieError(error) || error.code !== 'not-found') throw error;
        counts = await slices('v1beta1');
      }
      return counts.reduce((sum, n) => sum + n, 0);
    },

    async createEvent(namespace, event, options = {}) {
      const now = new Date();
      await call(
        { verb: 'create', resource: 'events', namespace },
        post(namespacedPath('/api/v1', namespace, 'events'), {
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
        }),
        options.signal,
      );
    },

    async canI(check, options = {}) {
      const review = await call<k8s.V1SelfSubjectAccessReview>(
        { verb: 'create', resource: 'selfsubjectaccessreviews', group: 'authorization.k8s.io' },
        post('/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', {
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
        }),
        options.signal,
      );
      return review.status?.allowed === true;
    },

    watchPods(namespace, selector, listener, options) {
      const labelSelector = selectorToString(selector) || undefined;
      watch({ op: { verb: 'watch', resource: 'pods', namespace }, path: podPath(namespace), query: { labelSelector }, map: (p) => toPod(p as k8s.V1Pod, namespace) }, listener, options);
    },

    watchWorkload(ref, listener, options) {
      const api = workloadApis[ref.kind];
      const path = namespacedPath('/apis/apps/v1', ref.namespace, api.resource);
      watch({ op: { verb: 'watch', resource: api.resource, group: 'apps', namespace: ref.namespace }, path, query: { fieldSelector: `metadata.name=${ref.name}` }, map: (o) => api.toWorkload(o, ref.namespace) }, listener, options);
    },

    watchWorkloads(namespace, kind, listener, options) {
      const api = workloadApis[kind];
      const path = namespacedPath('/apis/apps/v1', namespace, api.resource);
      watch({ op: { verb: 'watch', resource: api.resource, group: 'apps', namespace }, path, query: {}, map: (o) => api.toWorkload(o, namespace) }, listener, options);
    },

    async version(options = {}) {
      const info = await call({ verb: 'get', resource: 'version' }, get<k8s.VersionInfo>('/version'), options.signal);
      return info.gitVersion;
    },
  };
  return cluster;
}
