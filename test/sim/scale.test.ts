import { describe, expect, it } from 'vitest';
import { startTestApiServer } from '../helpers/fake-apiserver.js';

/** The benchmark's shape: 10,000 bare pods and 100 workloads in one namespace. Prints what it measured. */
describe('scale', () => {
  it('seeds 10,000 pods + 100 workloads, and a kill touches only the workload’s pods', async () => {
    const heapBefore = process.memoryUsage().heapUsed;
    let started = performance.now();
    // About size, not timing: the victim leaves at once instead of staying Terminating for a second.
    const api = await startTestApiServer({ timing: 'instant' });
    try {
      api.sim.addNode('node-1');
      api.sim.addPods('big', 10_000, { app: 'filler' });
      for (let i = 0; i < 100; i++) api.sim.addDeployment({ namespace: 'big', name: `svc-${i}`, replicas: 3 });
      const seedMs = performance.now() - started;
      const heapMb = (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20;
      expect(api.sim.store.list('pods', 'big')).toHaveLength(10_300);

      const cluster = await api.connect();
      started = performance.now();
      const workload = await cluster.getWorkload({ kind: 'deployment', namespace: 'big', name: 'svc-42' });
      const pods = await cluster.listPods('big', workload!.selector);
      await cluster.deletePod(pods[0]!);
      const killMs = performance.now() - started;
      const { requests, bytes } = api.stats();
      expect(pods).toHaveLength(3);
      expect(requests).toBe(3);
      expect(bytes).toBeLessThan(10_000);

      api.resetLog();
      started = performance.now();
      const all = await cluster.listPods('big', {});
      const fullListMs = performance.now() - started;
      expect(all).toHaveLength(10_299);
      console.log(
        `scale: seed ${seedMs.toFixed(0)} ms, ~${heapMb.toFixed(0)} MB heap; kill (get+list+delete) ${killMs.toFixed(1)} ms, ${requests} requests, ${bytes} bytes; ` +
          `full list of ${all.length} pods ${fullListMs.toFixed(0)} ms in ${api.stats().requests} pages, ${(api.stats().bytes / 2 ** 20).toFixed(1)} MB`,
      );
    } finally {
      await api.close();
    }
  });
});
