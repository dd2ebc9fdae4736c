// `kube-cookiemonster/advanced`: the building blocks `runPipeline` is made of, for pipelines of your own.
// Less stable than the main entry: these follow the internals.
export { startRun, executePipeline, type PipelineOptions, type PipelineDeps, type PipelineControl, type RunHandle } from './core/pipeline.js';
export { startChaos, type ChaosDeps, type ChaosOptions, type ChaosHandle, type NodeExecRunner } from './core/chaos.js';
export { createAvailabilityLedger, type AvailabilityLedger, type RunLedger } from './core/ledger.js';
export { accessNeeds, checkAccess, type AccessNeed } from './core/access-preflight.js';
export { pickVictims } from './core/pick.js';
export { safetyFloor, quorumOf } from './core/safety.js';
export { selectCandidates } from './core/filters.js';
export { runCommand } from './verify/run-command.js';
export { createCluster, type ClusterOptions } from './kube/index.js';
