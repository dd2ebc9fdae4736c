import { resolve } from 'node:path';

export const repoRoot = resolve(import.meta.dirname, '../../..');
export const clusterScripts = resolve(repoRoot, 'test/cluster');
