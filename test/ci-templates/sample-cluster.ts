import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from './helpers.js';

/** Imported by URL so this file type-checks before src/sim exists. */
const simEntry = pathToFileURL(join(repoRoot, 'src/sim/index.ts')).href;

export interface SampleCluster {
  kubeconfigPath: string;
  close(): Promise<void>;
}

interface SimModule {
  startFakeApiServer(options?: Record<string, unknown>): Promise<{ writeKubeconfig(path: string): Promise<void>; close(): Promise<void> }>;
}

/** Why the loopback fake API server cannot be used yet, or undefined when src/sim provides it. */
export async function simReason(): Promise<string | undefined> {
  if (!existsSync(join(repoRoot, 'src/sim/index.ts'))) return 'src/sim/index.ts (the loopback fake API server) is not there yet';
  try {
    const sim = (await import(simEntry)) as Partial<SimModule>;
    return typeof sim.startFakeApiServer === 'function' ? undefined : 'src/sim does not export startFakeApiServer yet';
  } catch (error) {
    return `src/sim does not load yet: ${(error as Error).message.split('\n')[0]}`;
  }
}

/** The demo's sample OpenStack cluster behind the loopback fake API server, with its controllers replacing killed pods. */
export async function startSampleCluster(dir: string): Promise<SampleCluster> {
  const sim = (await import(simEntry)) as SimModule;
  const server = await sim.startFakeApiServer({ sample: true, controllers: { replaceDelayMs: 100, readyDelayMs: 200 } });
  const kubeconfigPath = join(dir, 'kubeconfig.yaml');
  await server.writeKubeconfig(kubeconfigPath);
  return { kubeconfigPath, close: () => server.close() };
}
