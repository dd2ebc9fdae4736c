import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, inject } from 'vitest';
import { openBackend, type Backend, type BackendName } from './backends.js';

export const e2e = inject('e2e');

/** A namespace of its own per scenario and backend, so scenarios never see each other's pods. */
export const uniqueNamespace = (prefix: string, backend: string): string => `${prefix}-${backend}-${randomBytes(2).toString('hex')}`;

/** Opens the backend before the describe block's tests and closes it after them. */
export function useBackend(name: BackendName): () => Backend {
  let backend: Backend | undefined;
  beforeAll(async () => {
    backend = await openBackend(name, e2e);
  });
  afterAll(async () => {
    await backend?.close();
  });
  return () => {
    if (!backend) throw new Error(`backend ${name} is not open`);
    return backend;
  };
}

/** Stack frames such as `    at run (file.js:1:2)`: a clear error message never shows them. */
export const stackFrame = /^\s+at .+(:\d+:\d+\)?|\(native\)|<anonymous>\)?)$/m;
