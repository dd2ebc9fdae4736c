import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { openCookieCatalog } from '../config/catalog.js';
import { findCookieRoot } from '../config/load.js';
import { legacyTimestamp } from '../log/format.js';
import { createNodeExecRunner } from '../core/cookies/nodeexec.js';
import { randomSeed, seededRng } from '../core/rng.js';
import { CookieError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { createCluster } from '../kube/index.js';
import type { KubeConfigOptions } from '../kube/kubeconfig.js';
import { lazyPodExec } from '../kube/lazy-exec.js';
import { parseSelectorString } from '../kube/selector.js';
import { createServer } from '../server/server.js';
import { readServerToken } from '../server/token.js';
import type { Flags } from './command.js';
import type { CliIo } from './io.js';
import { serveOptionDeclarations, type OptionValues } from '../options/declarations.js';
import { biteOptionsFrom } from '../options/pipeline-options.js';
import { parseOptions } from '../options/schema.js';
import { notificationSettings } from './notify-settings.js';
import { probeSpecsFrom } from '../probes/index.js';

/** `cookiemonster serve`: flags → cookies → cluster → REST server, until SIGINT/SIGTERM. */
export async function serveMain(raw: Flags, io: CliIo): Promise<number> {
  const flags = parseServeFlags(raw);
  if (!flags.demo) return serve(flags, io, { kubeconfig: flags.kubeconfig, context: flags.context, env: io.env, cwd: io.cwd }, findCookieRoot(flags.cookies, io.cwd));
  const demo = await openDemo(flags, io);
  try {
    return await serve(flags, io, demo.kube, demo.cookieRoot);
  } finally {
    await demo.close();
  }
}

/** `serve --demo`: the simulated sample cluster of `demo`, and its cookies as files unless --cookies names others. */
async function openDemo(flags: ServeFlags, io: CliIo): Promise<{ kube: KubeConfigOptions; cookieRoot: string; close(): Promise<void> }> {
  const clash = (['kubeconfig', 'context'] as const).find((flag) => flags[flag] !== undefined);
  if (clash) throw new CookieError('usage', `--${clash}: --demo serves the built-in simulated cluster; leave out --${clash}, or --demo to use a real cluster`);
  const [{ demoNamespace, startDemoCluster }, { writeDemoCookies }] = await Promise.all([import('../demo/cluster.js'), import('../demo/cookies.js')]);
  const cluster = await startDemoCluster();
  const dir = flags.cookies === undefined ? await mkdtemp(join(tmpdir(), 'kcm-serve-demo-')) : undefined;
  if (dir) await writeDemoCookies(dir);
  io.stderr(`${legacyTimestamp(Date.now())} demo: simulated Kubernetes API at ${cluster.url} (namespace ${demoNamespace})\n`);
  return {
    kube: { kubeconfigYaml: cluster.kubeconfigYaml({ namespace: demoNamespace }), env: io.env },
    cookieRoot: dir ?? resolve(io.cwd, flags.cookies ?? ''),
    close: async () => {
      await cluster.close();
      if (dir) await rm(dir, { recursive: true, force: true });
    },
  };
}

async function serve(flags: ServeFlags, io: CliIo, kube: KubeConfigOptions, root: string | undefined): Promise<number> {
  const say = (line: string): void => io.stderr(`${legacyTimestamp(Date.now())} ${line}\n`);
  const token = await readServerToken(flags['token-file'], io);
  say(`checking directory: ${root ?? `${resolve(io.cwd, 'cookies.d')} and /etc/cookies.d (neither exists)`}`);
  const loaded = await openCookieCatalog(root, io.cwd).all();
  for (const cookie of loaded.cookies) say(`loading ${cookie.group}/${cookie.name}`);
  for (const problem of loaded.problems) say(`warning: ${problem} (the server re-reads cookies on every request)`);
  const notifications = await notificationSettings(flags, io);
  const cluster = await createCluster(kube);
  const self = io.env['POD_NAME'] && io.env['POD_NAMESPACE'] ? { name: io.env['POD_NAME'], namespace: io.env['POD_NAMESPACE'] } : undefined;
  const nodeExec = createNodeExecRunner({
    exec: lazyPodExec(kube),
    namespace: flags['worker-namespace'] ?? io.env['POD_NAMESPACE'] ?? 'cookiemonster',
    selector: parseSelectorString(flags['worker-selector']),
    container: flags['worker-container'] || undefined,
    timeoutMs: flags['exec-timeout'],
  });
  const server = createServer({
    cluster,
    rng: seededRng(flags.seed ?? randomSeed()),
    cookieRoot: root,
    cwd: io.cwd,
    bite: biteOptionsFrom(flags, self),
    nodeExec,
    probes: await probeSpecsFrom(flags, io.cwd),
    token,
    log: (line) => io.stderr(`${line}\n`),
    logFormat: flags['log-format'],
    notifications,
    killLogDir: flags['kill-log-dir'] === undefined ? undefined : resolve(io.cwd, flags['kill-log-dir']),
    maxRecoveryMs: flags['max-recovery'],
    recoveryTimeoutMs: flags['recovery-timeout'],
  });
  const url = await server.listen(flags.port, flags.host);
  say(`serving on ${url} against ${cluster.server}${token ? ' (start/stop need the bearer token)' : ''}${self ? `; never killing ${self.namespace}/${self.name}` : ''}`);
  await new Promise<void>((resolveAbort) => {
    if (io.signal.aborted) resolveAbort();
    else io.signal.addEventListener('abort', () => resolveAbort(), { once: true });
  });
  say(`${io.interruptSignal() ?? 'signal'} received: stopping every job and flushing kill logs`);
  await server.close();
  say('stopped');
  return ExitCode.passed;
}

export type ServeFlags = OptionValues<typeof serveOptionDeclarations>;

/** yargs output → validated `serve` flags, or one usage error listing every bad flag. */
export function parseServeFlags(raw: Flags): ServeFlags {
  return parseOptions(serveOptionDeclarations, raw, 'flag');
}
