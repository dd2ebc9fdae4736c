import { join } from 'node:path';
import { startFakeApiServer } from '../../src/sim/index.js';

export interface SampleCluster {
  kubeconfigPath: string;
  close(): Promise<void>;
}

/** The demo's sample OpenStack cluster behind the loopback fake API server, with its controllers replacing killed pods. */
export async function startSampleCluster(dir: string): Promise<SampleCluster> {
  const server = await startFakeApiServer({ sample: true, controllers: { replaceDelayMs: 100, readyDelayMs: 200 } });
  const kubeconfigPath = join(dir, 'kubeconfig.yaml');
  await server.writeKubeconfig(kubeconfigPath);
  return { kubeconfigPath, close: () => server.close() };
}
