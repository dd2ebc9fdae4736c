import { CookieError } from '../errors.js';
import type { Cluster, Workload, WorkloadKind, WorkloadRef } from '../kube/types.js';
import { workloadKinds } from '../kube/types.js';
import type { DeployCheckResult } from '../report/types.js';
import type { Clock } from './clock.js';
import { rolloutStatus } from './rollout.js';

/** What the deploy check waits for. */
export type CheckTarget =
  | { type: 'workload'; ref: WorkloadRef }
  | { type: 'kind'; namespace: string; kind: WorkloadKind }
  | { type: 'namespace'; namespace: string }
  | { type: 'helm'; namespace: string; release: string };

export interface DeployCheckOptions {
  timeoutMs: number;
  pollMs: number;
  onProgress?: (message: string) => void;
  signal?: AbortSignal | undefined;
}

/**
 * Waits until every target is rolled out and ready, or the timeout passes.
 * Returns one result per workload; throws only for cluster errors that make checking impossible.
 */
export async function checkDeployments(
  targets: readonly CheckTarget[],
  deps: { cluster: Cluster; clock: Clock },
  options: DeployCheckOptions,
): Promise<DeployCheckResult[]> {
  const started = deps.clock.now();
  const deadline = started + options.timeoutMs;
  let lastProgress = '';
  for (;;) {
    const states = await observe(targets, deps.cluster, options.signal);
    const pending = states.filter((s) => !s.ready);
    const now = deps.clock.now();
    if (pending.length === 0 || now >= deadline) {
      return states.map((s) => ({ ...s, durationMs: now - started }));
    }
    const progress = pending.map((s) => s.message).join('; ');
    if (progress !== lastProgress) options.onProgress?.(progress);
    lastProgress = progress;
    await deps.clock.sleep(Math.min(options.pollMs, deadline - now), options.signal);
  }
}

interface State {
  name: string;
  workload: WorkloadRef | undefined;
  ready: boolean;
  message: string;
}

async function observe(targets: readonly CheckTarget[], cluster: Cluster, signal?: AbortSignal): Promise<State[]> {
  const lists = await Promise.all(targets.map((t) => observeTarget(t, cluster, signal)));
  const seen = new Set<string>();
  return lists.flat().filter((s) => {
    if (seen.has(s.name)) return false;
    seen.add(s.name);
    return true;
  });
}

async function observeTarget(target: CheckTarget, cluster: Cluster, signal?: AbortSignal): Promise<State[]> {
  const opts = { signal };
  switch (target.type) {
    case 'workload': {
      const found = await cluster.getWorkload(target.ref, opts);
      if (!found) return [{ name: refName(target.ref), workload: target.ref, ready: false, message: `${target.ref.kind} "${target.ref.name}" not found in namespace ${target.ref.namespace}` }];
      return [stateOf(found)];
    }
    case 'kind':
      return (await cluster.listWorkloads(target.namespace, target.kind, opts)).map(stateOf);
    case 'namespace': {
      const all = await Promise.all(workloadKinds.map((kind) => cluster.listWorkloads(target.namespace, kind, opts)));
      return all.flat().map(stateOf);
    }
    case 'helm':
      return observeHelm(target.namespace, target.release, cluster, signal);
  }
}

async function observeHelm(namespace: string, release: string, cluster: Cluster, signal?: AbortSignal): Promise<State[]> {
  const name = `helm/${namespace}/${release}`;
  const found = await cluster.getHelmRelease(namespace, release, { signal });
  if (!found) return [{ name, workload: undefined, ready: false, message: `Helm release "${release}" not found in namespace ${namespace}` }];
  if (found.status !== 'deployed') {
    return [{ name, workload: undefined, ready: false, message: `Helm release "${release}" revision ${found.revision} is ${found.status}, not deployed` }];
  }
  const workloads = await cluster.listReleaseWorkloads(namespace, release, { signal });
  const releaseState = { name, workload: undefined, ready: true, message: `Helm release "${release}" revision ${found.revision} is deployed` };
  return [releaseState, ...workloads.map(stateOf)];
}

function stateOf(workload: Workload): State {
  const { ready, message } = rolloutStatus(workload);
  const ref = { kind: workload.kind, namespace: workload.namespace, name: workload.name };
  return { name: refName(ref), workload: ref, ready, message };
}

const refName = (ref: WorkloadRef): string => `${ref.kind}/${ref.namespace}/${ref.name}`;

/** `deployment/NS/NAME`, `NS/deployment/NAME`, `NS/deployment` or `NS`. */
export function parseCheckTarget(text: string): CheckTarget {
  const parts = text.split('/');
  const isKind = (s: string | undefined): s is WorkloadKind => workloadKinds.includes(s as WorkloadKind);
  const [a, b, c] = parts;
  if (parts.length === 1 && a) return { type: 'namespace', namespace: a };
  if (parts.length === 2 && a && isKind(b)) return { type: 'kind', namespace: a, kind: b };
  if (parts.length === 3 && isKind(a) && b && c) return { type: 'workload', ref: { kind: a, namespace: b, name: c } };
  if (parts.length === 3 && a && isKind(b) && c) return { type: 'workload', ref: { kind: b, namespace: a, name: c } };
  throw new CookieError('usage', `--check: expected "deployment/NAMESPACE/NAME", "NAMESPACE/KIND" or "NAMESPACE", got "${text}"`);
}

export function describeTarget(target: CheckTarget): string {
  switch (target.type) {
    case 'workload':
      return `${target.ref.kind}/${target.ref.namespace}/${target.ref.name}`;
    case 'kind':
      return `${target.namespace}/${target.kind}`;
    case 'namespace':
      return target.namespace;
    case 'helm':
      return `helm:${target.namespace}/${target.release}`;
  }
}
