import { afterEach, describe, expect, it } from 'vitest';
import { runPipeline } from '../../src/index.js';
import { startFakeApiServer, type FakeApiServer } from '../../src/sim/index.js';
import { cookieFrom } from './bite-context.js';

let api: FakeApiServer | undefined;
afterEach(async () => api?.close());

describe('the run signal', () => {
  it('many requests in flight at once listen to the interrupt signal without a MaxListenersExceeded warning', async () => {
    api = await startFakeApiServer({ timing: 'instant', controllers: { replaceDelayMs: 10, readyDelayMs: 10 } });
    api.sim.addDeployment({ namespace: 'big', name: 'web', replicas: 40 });
    const warnings: string[] = [];
    const onWarning = (warning: Error): void => void warnings.push(warning.name);
    process.on('warning', onWarning);
    const controller = new AbortController();
    try {
      const report = await runPipeline(
        {
          cluster: await (await import('../../src/kube/index.js')).createCluster({ kubeconfigYaml: api.kubeconfigYaml(), env: {} }),
          cookies: [cookieFrom({ name: 'web', kind: 'deployment', namespace: 'big', interval: 1, duration: 1, target: 'max 50%', safety: { minAvailable: 1 } }, 'wide')],
          concurrency: 30,
          skipDeployCheck: true,
          seed: 1,
        },
        { signal: controller.signal },
      );
      expect(report.exitCode).toBe(0);
      expect(report.entries.filter((e) => e.kind === 'bite').length).toBeGreaterThan(10);
    } finally {
      process.off('warning', onWarning);
    }
    await new Promise((resolve) => setImmediate(resolve));
    expect(warnings).not.toContain('MaxListenersExceededWarning');
  });
});
