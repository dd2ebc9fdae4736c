import type { NodeExecCookie } from '../../config/schema.js';
import { CookieError, isCookieError } from '../../errors.js';
import type { ExecResult, PodExec } from '../../kube/exec.js';
import { selectorToString } from '../../kube/selector.js';
import type { LabelSelector, NodeInfo, Pod } from '../../kube/types.js';
import type { NodeExecRunner } from '../chaos.js';
import { mapWithConcurrency } from '../concurrency.js';
import { pickOne } from '../pick.js';
import type { BiteContext } from './context.js';

/** Where the node worker DaemonSet runs (deploy/nodeexec/node-worker.yaml): one privileged, hostPID pod per node. */
export interface NodeWorkerSettings {
  exec: PodExec;
  namespace: string;
  selector: LabelSelector;
  /** The worker's container; undefined = the pod's only one. */
  container?: string | undefined;
  /** Put before every command to leave the worker's namespaces for the host's (PID 1 is the host's init). */
  hostPrefix?: string[] | undefined;
  /** Per command. Default 2 minutes. */
  timeoutMs?: number | undefined;
  /** Nodes worked on at once for `target: "all"`. Default 10. */
  concurrency?: number | undefined;
}

export const defaultHostPrefix = ['nsenter', '--target', '1', '--mount', '--uts', '--ipc', '--net', '--pid', '--'];
export const defaultWorkerSelector = 'app.kubernetes.io/name=kube-cookiemonster,app.kubernetes.io/component=node-worker';

/**
 * Runs a nodeexec cookie once: on a random ready node, on a named node, or on every node (`target: "all"`), each
 * command in turn through the worker pod on that node. Every command becomes an `exec` entry with stdout, stderr and
 * exit code; a missing node or worker, or a refused exec, is an `error` entry. Dry run executes nothing.
 */
export function createNodeExecRunner(settings: NodeWorkerSettings): NodeExecRunner {
  const prefix = settings.hostPrefix ?? defaultHostPrefix;
  return async (cookie, ctx) => {
    const fail = (error: unknown): void => {
      const known = isCookieError(error) ? error : new CookieError('internal', error instanceof Error ? error.message : String(error));
      ctx.log.append({ kind: 'error', cookie: cookie.name, code: known.code, message: known.message, ...(known.hint !== undefined && { hint: known.hint }) });
    };
    try {
      const [nodes, workers] = await Promise.all([
        ctx.cluster.listNodes({ signal: ctx.signal }),
        ctx.cluster.listPods(settings.namespace, settings.selector, { signal: ctx.signal }),
      ]);
      const workerOn = new Map(workers.filter(isUsable).map((pod) => [pod.nodeName as string, pod]));
      const targets = chooseNodes(cookie, nodes, workerOn, ctx);
      await mapWithConcurrency(targets, settings.concurrency ?? 10, async (node) => {
        const worker = workerOn.get(node);
        if (!worker) {
          fail(new CookieError('not-found', `no running worker pod on node ${node} (pods ${describeSelector(settings)})`, {
            hint: 'deploy the node worker DaemonSet (deploy/nodeexec/node-worker.yaml) and check its tolerations',
          }));
          return;
        }
        for (const { command, parameters } of cookie.commands) {
          if (ctx.signal?.aborted) return;
          const argv = [command, ...parameters];
          if (ctx.options.dryRun) {
            ctx.log.append({ kind: 'exec', cookie: cookie.name, node, command: argv, exitCode: 0, stdout: `dry run: not executed in ${worker.namespace}/${worker.name}`, stderr: '' });
            continue;
          }
          let result: ExecResult;
          try {
            result = await settings.exec({
              namespace: worker.namespace,
              pod: worker.name,
              container: settings.container,
              command: [...prefix, ...argv],
              timeoutMs: settings.timeoutMs,
              signal: ctx.signal,
            });
          } catch (error) {
            // Refused or unreachable: the next commands on this node would fail the same way.
            fail(error);
            return;
          }
          ctx.log.append({ kind: 'exec', cookie: cookie.name, node, command: argv, exitCode: result.exitCode, stdout: result.stdout, stderr: withFailure(result) });
        }
      });
    } catch (error) {
      fail(error);
    }
  };
}

function chooseNodes(cookie: NodeExecCookie, nodes: NodeInfo[], workerOn: Map<string, Pod>, ctx: BiteContext): string[] {
  const target = cookie.target;
  if (target.kind === 'all') {
    if (nodes.length === 0) throw new CookieError('not-found', 'Can not find any node in the cluster, doing nothing');
    return nodes.map((n) => n.name);
  }
  if (target.kind === 'node') {
    if (!nodes.some((n) => n.name === target.name)) {
      throw new CookieError('not-found', `Can not find node ${target.name}, doing nothing`, { hint: `known nodes: ${nodes.map((n) => n.name).join(', ') || 'none'}` });
    }
    return [target.name];
  }
  const usable = nodes.filter((n) => n.ready && workerOn.has(n.name));
  const picked = pickOne(usable, ctx.rng);
  if (!picked) throw new CookieError('not-found', 'Can not find a ready node with a running worker pod, doing nothing');
  return [picked.name];
}

const isUsable = (pod: Pod): boolean => pod.phase === 'Running' && !pod.deleting && pod.nodeName !== undefined;

function withFailure(result: ExecResult): string {
  if (!result.failure) return result.stderr;
  return `${result.stderr}${result.stderr && !result.stderr.endsWith('\n') ? '\n' : ''}[cookiemonster] ${result.failure}`;
}

function describeSelector(settings: NodeWorkerSettings): string {
  return `${selectorToString(settings.selector) || 'of any label'} in namespace ${settings.namespace}`;
}
