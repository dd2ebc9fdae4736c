/** The loopback Kubernetes API that runs the demo and the tests: real HTTP, real Status bodies, simulated controllers. */
export { startFakeApiServer, type FakeApiServer, type FakeApiServerOptions, type RequestRecord } from './server.js';
export { Simulation, defaultTiming, realisticTiming, type ControlPlaneTiming, type SimulationOptions } from './simulation.js';
export { sampleCluster } from './sample.js';
export { on, type FaultSpec } from './faults.js';
export type { ForbiddenRule } from './access.js';
export type { ControllerTiming } from './controllers.js';
export { neverReadyAnnotation, readyDelayAnnotation } from './controllers.js';
export type { WorkloadSeed, DaemonSetSeed, PdbSeed } from './seed.js';
export type { KubeObject } from './store.js';
export { simKubeconfigYaml } from './kubeconfig.js';
