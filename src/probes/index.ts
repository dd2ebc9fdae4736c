import type { Clock } from '../core/clock.js';
import type { Cluster } from '../kube/types.js';
import type { KillLog } from '../log/entries.js';
import { httpFlagProbes, loadProbeFile } from './load.js';
import { createProbeSet, type ProbeSet } from './runner.js';
import type { ProbeSpec } from './spec.js';

export type { ProbeSet } from './runner.js';
export type { ProbeSpec } from './spec.js';

/** `--probes FILE` and `--probe-http URL…` as specs; none when neither is given. */
export async function probeSpecsFrom(values: { probes?: string | undefined; 'probe-http': readonly string[] }, cwd: string): Promise<ProbeSpec[]> {
  return [...(values.probes === undefined ? [] : await loadProbeFile(values.probes, cwd)), ...httpFlagProbes(values['probe-http'])];
}

/** The probe set of one run (or server job), or undefined without probes. */
export function probeSetFor(specs: readonly ProbeSpec[], deps: { clock: Clock; cwd: string; cluster: Cluster; log: KillLog }): ProbeSet | undefined {
  return specs.length === 0 ? undefined : createProbeSet(specs, deps);
}
