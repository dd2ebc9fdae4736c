import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cookieDir, fastKillpod, startApi, startHarness } from './harness.js';

describe('close (SIGTERM)', () => {
  it('stops every job, logs unrecovered kills, flushes each kill-log file, then stops listening', async () => {
    const { api, cluster, close } = await startApi((sim) => {
      sim.addDeployment({ namespace: 'openstack', name: 'keystone', replicas: 20 });
      sim.addDeployment({ namespace: 'openstack', name: 'glance', replicas: 20 });
    });
    const killLogDir = await mkdtemp(join(tmpdir(), 'kcm-logs-'));
    const root = await cookieDir({ 'killpod/k.json': fastKillpod(), 'killpod/g.json': fastKillpod({ name: 'glance' }) });
    const h = await startHarness(cluster, root, { killLogDir, recoveryTimeoutMs: 60_000 });
    await h.get('/start/killpod/k');
    await h.get('/start/killpod/g');
    await expect.poll(() => api.sim.pods('openstack').length, { timeout: 5000 }).toBeLessThan(37);
    // Recovery would be awaited for 60 s: close must abandon it (the kills are logged unrecovered below), so a close
    // that waited would exceed the test's own timeout rather than race a deadline here.
    await h.close();
    for (const id of ['k-1', 'g-2']) {
      const job = h.server.jobs.find(id);
      expect(job).toMatchObject({ state: 'finished', endReason: 'shutdown' });
      const lines = (await readFile(join(killLogDir, `${id}.jsonl`), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
      expect(lines).toHaveLength(job?.log.entries().length ?? -1);
      expect(lines.filter((e) => e.kind === 'cookie-stop')).toEqual([expect.objectContaining({ reason: 'aborted' })]);
      const bites = lines.filter((e) => e.kind === 'bite').length;
      expect(lines.filter((e) => e.kind === 'recovery' && e.recovered === false)).toHaveLength(bites);
      expect(lines.at(-1)).toMatchObject({ kind: 'run-end', outcome: 'interrupted', exitCode: 143 });
    }
    await expect(fetch(`${h.url}/healthz`)).rejects.toThrow();
    await close();
  });
});
