import { startFakeApiServer, type FakeApiServer } from '../sim/index.js';

/** The demo's namespace in the simulated sample cluster. */
export const demoNamespace = 'openstack';

/** The simulated sample OpenStack cluster of `demo` and `serve --demo`, served on 127.0.0.1 in this process. */
export function startDemoCluster(): Promise<FakeApiServer> {
  return startFakeApiServer({ sample: true, controllers: { replaceDelayMs: 300, readyDelayMs: 1200 } });
}
