import { importDist } from './dist.mjs';

/**
 * The product's own kill path, in this process: a killpod cookie (as a cookies.d file would load) biting through the
 * real client-node Cluster at a kubeconfig. `bite(n)` runs tick n and returns the kill-log entries it wrote.
 */
export async function createBiter({ kubeconfigYaml, cookieFile, seed = 1, options = {} }) {
  const [{ createCluster }, { fromKillPodFile }, { killPodFileSchema }, { biteKillPod }, { systemClock }, { seededRng }, { createKillLog }] =
    await Promise.all([
      importDist('kube/index.js'),
      importDist('config/normalize.js'),
      importDist('config/schema.js'),
      importDist('core/cookies/killpod.js'),
      importDist('core/clock.js'),
      importDist('core/rng.js'),
      importDist('log/entries.js'),
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
  return {
    log,
    async bite(n) {
      const before = log.entries().length;
      await biteKillPod(cookie, n, ctx);
      const written = log.entries().slice(before);
      const failed = written.find((e) => e.kind === 'error');
      if (failed) throw new Error(`tick ${n}: ${failed.code}: ${failed.message}`);
      return written;
    },
  };
}

export const killsIn = (entries) => entries.filter((e) => e.kind === 'bite').length;
