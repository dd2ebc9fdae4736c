import type { NodeExecCookie } from '../../config/schema.js';
import { CookieError, isCookieError } from '../../errors.js';
import type { ExecResult, PodExec } from '../../kube/exec.js';
import { selectorToString } from '../../kube/selector.js';
import type { EntryOf } from '../../log/entries.js';
import type { AccessCheck, LabelSelector, NodeInfo, Pod } from '../../kube/types.js';
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
 * exit code; a missing node or worker, or a refused exec, is an `error` entry. `ctx.signal` is the interrupt: it
 * cancels the command in flight and the ones not started yet, each recorded as cancelled. Dry run executes nothing and
 * logs what a real run would have executed where.
 */
export function createNodeExecRunner(settings: NodeWorkerSettings): NodeExecRunner {
  const prefix = settings.hostPrefix ?? defaultHostPrefix;
  const access: AccessCheck[] = [
    { verb: 'list', resource: 'nodes', namespace: '' },
    { verb: 'list', resource: 'pods', namespace: settings.namespace },
    { verb: 'create', resource: 'pods', subresource: 'exec', namespace: settings.namespace },
  ];
  const run: NodeExecRunner = async (cookie, ctx) => {
    const record = (node: string, argv: string[], outcome: Pick<EntryOf<'exec'>, 'exitCode' | 'cancelled' | 'stdout' | 'stderr'>): void => {
      ctx.log.append({ kind: 'exec', cookie: cookie.name, node, command: argv, dryRun: ctx.options.dryRun, ...outcome });
    };
    const fail = (error: unknown): void => {
      if (ctx.signal?.aborted) return; // interrupted: the run says so; the aborted request is no fault of the cluster
      const known = isCookieError(error) ? error : new CookieError('internal', error instanceof Error ? error.message : String(error));
      ctx.log.append({ kind: 'error', cookie: cookie.name, code: known.code, message: known.message, ...(known.hint !== undefined && { hint: known.hint }) });
    };
    const runOnNode = async (node: string, worker: Pod): Promise<void> => {
      for (const [i, { command, parameters }] of cookie.commands.entries()) {
        const argv = [command, ...parameters];
        if (ctx.signal?.aborted) {
          for (const rest of cookie.commands.slice(i)) record(node, [rest.command, ...rest.parameters], notStarted);
          return;
        }
        if (ctx.options.dryRun) {
          record(node, argv, { exitCode: null, cancelled: false, stdout: `dry run: would run in ${worker.namespace}/${worker.name}`, stderr: '' });
          continue;
        }
        let result: ExecResult;
        try {
          result = await settings.exec({ namespace: worker.namespace, pod: worker.name, container: settings.container, command: [...prefix, ...argv], timeoutMs: settings.timeoutMs, signal: ctx.signal });
        } catch (error) {
          // Refused or unreachable: the next commands on this node would fail the same way.
          fail(error);
          return;
        }
        record(node, argv, { exitCode: result.exitCode, cancelled: result.cancelled, stdout: result.stdout, stderr: withFailure(result) });
      }
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
        if (worker) return runOnNode(node, worker);
        fail(new CookieError('not-found', `no running worker pod on node ${node} (pods ${describeSelector(settings)})`, {
          hint: 'deploy the node worker DaemonSet (deploy/nodeexec/node-worker.yaml) and check its tolerations',
        }));
      });
    } catch (error) {
      fail(error);
    }
  };
  return Object.assign(run, { access });
}

const notStarted = { exitCode: null, cancelled: true, stdout: '', stderr: '[cookiemonster] cancelled before it started' };

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
