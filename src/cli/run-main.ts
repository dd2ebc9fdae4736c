import type { Cookie } from '../config/schema.js';
import { CookieError } from '../errors.js';
import type { NodeExecRunner } from '../core/chaos.js';
import { createNodeExecRunner, defaultWorkerSelector } from '../core/cookies/nodeexec.js';
import type { PodExecOptions } from '../kube/exec.js';
import { createCluster } from '../kube/index.js';
import { lazyPodExec } from '../kube/lazy-exec.js';
import { parseSelectorString } from '../kube/selector.js';
import type { Flags } from './command.js';
import type { CliIo } from './io.js';
import { parseRunFlags, type RunFlags } from './run-options.js';
import { runSession, type Connect } from './run-session.js';
import { openCookieCatalog } from '../config/catalog.js';
import { findCookieRoot } from '../config/load.js';

/** `cookiemonster run`: flags → cookies → cluster → pipeline → reports → exit code. */
export async function runMain(raw: Flags, io: CliIo): Promise<number> {
  const flags = parseRunFlags(raw);
  const cookies = await openCookieCatalog(findCookieRoot(flags.cookies, io.cwd), io.cwd).select(flags.cookie);
  requireAnEnd(flags, cookies);
  const kube = { kubeconfig: flags.kubeconfig, context: flags.context, env: io.env, cwd: io.cwd };
  const connect: Connect = (onRetry) => createCluster({ ...kube, onRetry });
  const nodeExec = cookies.some((c) => c.group === 'nodeexec') ? nodeWorkerExec(kube, io, flags['exec-timeout']) : undefined;
  return (await runSession(flags, cookies, connect, io, { nodeExec })).exitCode;
}

/** nodeexec cookies run through the worker DaemonSet of deploy/nodeexec/ (in $POD_NAMESPACE, else `cookiemonster`). */
function nodeWorkerExec(kube: PodExecOptions, io: CliIo, timeoutMs: number): NodeExecRunner {
  return createNodeExecRunner({
    exec: lazyPodExec(kube),
    namespace: io.env['POD_NAMESPACE'] ?? 'cookiemonster',
    selector: parseSelectorString(defaultWorkerSelector),
    container: 'worker',
    timeoutMs,
  });
}

/** Chaos must end by itself: a verification command, the Rally preset, or a duration. */
function requireAnEnd(flags: RunFlags, cookies: readonly Cookie[]): void {
  if (flags.rally && flags.command.length > 0) {
    throw new CookieError('usage', '--rally runs Rally as the verification: give either --rally or a command after --, not both');
  }
  const cookiesEnd = cookies.every((c) => c.group === 'nodeexec' || c.durationMs > 0);
  if (flags.command.length === 0 && !flags.rally && flags['chaos-duration'] === undefined && !cookiesEnd) {
    throw new CookieError('usage', 'nothing ends the chaos (a cookie has no duration): give a verification command after --, --rally TASK_FILE, or --chaos-duration', {
      hint: 'e.g. `cookiemonster run --max-recovery 60s -- npm test`',
    });
  }
}
