import { defineConfig } from 'vitest/config';

// The end-to-end suite: the packed CLI against the real control plane (test/cluster) and the loopback fake API server.
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.test.ts'],
    globalSetup: ['test/e2e/global-setup.ts'],
    testTimeout: 180_000,
    hookTimeout: 300_000,
    // One control plane, fixed ports: scenario files run one after another.
    fileParallelism: false,
  },
});
