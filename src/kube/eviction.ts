import { isCookieError } from '../errors.js';
import { podPath } from './paths.js';
import type { Requester } from './request.js';
import type { Rest } from './rest.js';
import type { KillOptions, PodRef } from './types.js';

export type EvictionVersion = 'policy/v1' | 'policy/v1beta1';

/**
 * Evicts through policy/v1 and falls back to policy/v1beta1 on a server that lacks it (1.20 answers 400
 * `no kind "Eviction" is registered for version "policy/v1"`); the version that worked is remembered.
 */
export function createEvictor(rest: Rest, requester: Requester): (pod: PodRef, options?: KillOptions) => Promise<void> {
  let known: EvictionVersion | undefined;
  return async (pod, options = {}) => {
    const versions: EvictionVersion[] = known ? [known] : ['policy/v1', 'policy/v1beta1'];
    for (const apiVersion of versions) {
      const dryRun = options.serverDryRun ? 'All' : undefined;
      try {
        await requester.call(
          { verb: 'create', resource: 'pods/eviction', namespace: pod.namespace, name: pod.name },
          (signal) =>
            rest({
              method: 'POST',
              path: `${podPath(pod.namespace, pod.name)}/eviction`,
              query: { dryRun },
              body: {
                apiVersion,
                kind: 'Eviction',
                metadata: { name: pod.name, namespace: pod.namespace },
                deleteOptions: {
                  preconditions: { uid: pod.uid },
                  ...(options.gracePeriodSeconds === undefined ? {} : { gracePeriodSeconds: options.gracePeriodSeconds }),
                  ...(dryRun ? { dryRun: [dryRun] } : {}),
                },
              },
              signal,
            }),
          options.signal,
        );
        known = apiVersion;
        return;
      } catch (error) {
        if (apiVersion === 'policy/v1' && !known && isVersionMissing(error, pod)) continue;
        if (!isVersionMissing(error, pod)) known = apiVersion;
        throw error;
      }
    }
  };
}

/** 400 "no kind Eviction is registered", or a 404 that is not about the pod itself. */
function isVersionMissing(error: unknown, pod: PodRef): boolean {
  if (!isCookieError(error)) return false;
  const status = error.details['status'];
  const message = String(error.details['serverMessage'] ?? '');
  if (status === 400) return /no kind "?Eviction"? is registered/i.test(message);
  return status === 404 && error.details['statusName'] !== pod.name;
}
