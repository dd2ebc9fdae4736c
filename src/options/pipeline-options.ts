import type { Cookie } from '../config/schema.js';
import type { BiteOptions } from '../core/cookies/context.js';
import { parseCheckTarget, type CheckTarget } from '../core/deploy-check.js';
import type { PipelineOptions } from '../core/pipeline.js';
import type { OptionValues } from './declarations.js';
import { runOptionDeclarations } from './declarations.js';
import { defaults } from './defaults.js';

type RunValues = OptionValues<typeof runOptionDeclarations>;

/** The values a run's pipeline reads; the CLI has them all, the library and REST bodies what they declare. */
export type PipelineValues = Pick<
  RunValues,
  | 'check'
  | 'helm-release'
  | 'ready-timeout'
  | 'skip-deploy-check'
  | 'skip-preflight'
  | 'chaos-duration'
  | 'max-recovery'
  | 'recovery-timeout'
  | 'mode'
  | 'grace-period'
  | 'allow-kube-system'
  | 'dry-run'
  | 'concurrency'
>;

export interface RunContext {
  cookies: Cookie[];
  seed: number;
  /** The cluster's default namespace, for a Helm release given without one. */
  defaultNamespace: string;
  /** The pod this process runs in, never a victim. */
  self?: BiteOptions['self'];
}

/** Options values → the pipeline's options: one function for `run`, `demo`, the library and server jobs. */
export function pipelineOptionsFrom(values: PipelineValues, context: RunContext): PipelineOptions {
  return {
    cookies: context.cookies,
    checks: [...values.check.map(parseCheckTarget), ...values['helm-release'].map((text) => helmTarget(text, context.defaultNamespace))],
    skipDeployCheck: values['skip-deploy-check'],
    skipPreflight: values['skip-preflight'],
    readyTimeoutMs: values['ready-timeout'],
    chaosDurationMs: values['chaos-duration'],
    maxRecoveryMs: values['max-recovery'],
    recoveryTimeoutMs: values['recovery-timeout'] ?? values['max-recovery'] ?? defaults.recoveryTimeoutMs,
    seed: context.seed,
    bite: biteOptionsFrom(values, context.self),
  };
}

/** The kill settings of a run or of a server (whose jobs may only narrow them). */
export function biteOptionsFrom(values: Pick<RunValues, 'mode' | 'grace-period' | 'allow-kube-system' | 'dry-run'> & { concurrency?: number }, self?: BiteOptions['self']): BiteOptions {
  return {
    dryRun: values['dry-run'],
    mode: values.mode,
    gracePeriodSeconds: values['grace-period'] === undefined ? undefined : Math.round(values['grace-period'] / 1000),
    allowKubeSystem: values['allow-kube-system'],
    concurrency: values.concurrency ?? defaults.concurrency,
    self,
  };
}

function helmTarget(text: string, defaultNamespace: string): CheckTarget {
  const [namespace, release] = text.split('/');
  return release ? { type: 'helm', namespace: namespace ?? '', release } : { type: 'helm', namespace: defaultNamespace, release: text };
}
