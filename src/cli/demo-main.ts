import { fileURLToPath } from 'node:url';
import { demoCookies } from '../demo/cookies.js';
import { createCluster } from '../kube/index.js';
import { demoNamespace, startDemoCluster } from '../demo/cluster.js';
import type { Flags } from './command.js';
import type { CliIo } from './io.js';
import { parseRunFlags } from './run-options.js';
import { runSession, type Connect } from './run-session.js';
import { openCookieCatalog } from '../config/catalog.js';
import { findCookieRoot } from '../config/load.js';

const verifierPath = fileURLToPath(new URL('../demo/verifier.js', import.meta.url));

/** `cookiemonster demo`: the run pipeline against the simulated sample cluster, served on 127.0.0.1 in this process. */
export async function demoMain(raw: Flags, io: CliIo): Promise<number> {
  const flags = parseRunFlags(raw);
  const seconds = Number(raw['seconds']);
  const server = await startDemoCluster();
  try {
    io.stdout(`demo: simulated Kubernetes API at ${server.url} (namespace ${demoNamespace})\n`);
    const cookies = flags.cookies || flags.cookie.length > 0 ? await openCookieCatalog(findCookieRoot(flags.cookies, io.cwd), io.cwd).select(flags.cookie) : demoCookies();
    const command = flags.command.length > 0 ? flags.command : [process.execPath, verifierPath, server.url, String(seconds > 0 ? seconds : 12)];
    const connect: Connect = (onRetry) =>
      createCluster({ kubeconfigYaml: server.kubeconfigYaml({ namespace: demoNamespace }), env: io.env, onRetry });
    const { exitCode } = await runSession(
      { ...flags, command, 'max-recovery': flags['max-recovery'] ?? 10_000, 'helm-release': [...flags['helm-release'], 'openstack/openstack'] },
      cookies,
      connect,
      io,
    );
    return exitCode;
  } finally {
    await server.close();
  }
}
