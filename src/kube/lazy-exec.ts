import type { PodExec, PodExecOptions } from './exec.js';

/** A PodExec that loads the exec client (client-node's WebSocket) only when the first command runs. */
export function lazyPodExec(options: PodExecOptions): PodExec {
  let exec: Promise<PodExec> | undefined;
  return async (request) => {
    exec ??= import('./exec.js').then((m) => m.createPodExec(options));
    return (await exec)(request);
  };
}
