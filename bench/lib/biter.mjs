import { importDist } from './dist.mjs';

/**
 * The product's own kill path, in this process: a killpod cookie (as a cookies.d file would load) biting through the
 * real Cluster at a kubeconfig. `bite(n)` runs tick n and returns the kill-log entries it wrote. `watch: true` picks
 * victims from watches as a run does (set up by the first bite); `false` reads by GET and LIST on every tick, as a
 * Cluster that cannot watch does. `recover: true` also follows each real kill until it has recovered, as a run does,
 * from the same watches, and `bite(n)` returns once it has. `close()` stops the watches.
 */
export async function createBiter({ kubeconfigYaml, cookieFile, seed = 1, options = {}, watch = true, recover = false }) {
  const [{ createCluster }, { fromKillPodFile }, { killPodFileSchema }, { biteKillPod }, { systemClock }, { seededRng }, { createKillLog }, { createAvailabilityLedger }, { createScopeFeed }, { watchedTargets }, { createRecoveryTracker }] =
    await Promise.all([
      importDist('kube/index.js'),
      importDist('config/normalize.js'),
      importDist('config/schema.js'),
      importDist('core/cookies/killpod.js'),
      importDist('core/clock.js'),
      importDist('core/rng.js'),
      importDist('log/entries.js'),
      importDist('core/ledger.js'),
      importDist('core/scope-watch.js'),
      importDist('core/cookies/targets.js'),
      importDist('core/recovery.js'),
    ]);
  const cluster = await createCluster({ kubeconfigYaml, env: {}, retries: 0 });
  const cookie = fromKillPodFile('bench', 'bench/cookie.json', killPodFileSchema.parse({ interval: 60, ...cookieFile }));
  const log = createKillLog(systemClock);
  const ctx = {
    cluster,
    clock: systemClock,
    rng: seededRng(seed),
    log,
    options: { dryRun: false, mode: 'delete', gracePeriodSeconds: undefined, allowKubeSystem: false, concurrency: 10, self: undefined, ...options },
  };
  const ledger = createAvailabilityLedger();
  const watching = new AbortController();
  const feed = watch ? createScopeFeed(cluster, systemClock, watching.signal) : undefined;
  if (feed) ctx.targets = watchedTargets({ cluster, clock: systemClock, log, feed, signal: watching.signal });
  const tracker = recover ? createRecoveryTracker({ cluster, clock: systemClock, log, scopes: feed }, { pollMs: 100 }) : undefined;
  if (tracker) ctx.onKill = (kill) => tracker.track(kill);
  return {
    log,
    close() {
      ctx.targets?.close();
      watching.abort();
    },
    async bite(n) {
      const before = log.entries().length;
      // Each bite is measured alone, as a run of its own: dry-run kills of earlier bites (which never recover) do not
      // hold it back, real ones are gone from the LIST anyway.
      await biteKillPod(cookie, n, { ...ctx, ledger: ledger.openRun({ dryRun: ctx.options.dryRun }) });
      await tracker?.settle(30_000);
      const written = log.entries().slice(before);
      const failed = written.find((e) => e.kind === 'error' || (e.kind === 'recovery' && !e.recovered));
      if (failed) throw new Error(`tick ${n}: ${failed.kind === 'error' ? `${failed.code}: ${failed.message}` : `${failed.pod.name} did not recover`}`);
      return written;
    },
  };
}

export const killsIn = (entries) => entries.filter((e) => e.kind === 'bite').length;

/** How each kill's recovery was followed: "watch" or "poll". */
export const recoveryMethodsIn = (entries) => entries.filter((e) => e.kind === 'recovery').map((e) => e.method);
