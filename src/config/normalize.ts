import type { z } from 'zod';
import type {
  configYamlSchema,
  Cookie,
  KillPodCookie,
  killPodFileSchema,
  NodeExecCookie,
  nodeExecFileSchema,
} from './schema.js';

type KillPodFile = z.output<typeof killPodFileSchema>;
type NodeExecFile = z.output<typeof nodeExecFileSchema>;
type ConfigYaml = z.output<typeof configYamlSchema>;

const defaultSafety = { minAvailable: 2, quorum: false, allowKubeSystem: false };

export function fromKillPodFile(name: string, source: string, file: KillPodFile): KillPodCookie {
  return {
    group: 'killpod',
    name,
    source,
    kind: file.kind,
    namespace: file.namespace,
    workload: file.name ? file.name : undefined,
    count: file.target,
    intervalMs: file.interval,
    durationMs: file.duration ?? 0,
    slack: file.slack,
    fatal: file.fatal,
    events: file.events,
    mode: file.mode,
    gracePeriodSeconds: file.gracePeriod === undefined ? undefined : Math.round(file.gracePeriod / 1000),
    podSelector: file.selector,
    annotations: file.annotations,
    podNamePattern: file.podNamePattern,
    minPodAgeMs: file.minPodAge,
    safety: file.safety,
  };
}

export function fromNodeExecFile(name: string, source: string, file: NodeExecFile): NodeExecCookie {
  const target = file.target ?? '';
  return {
    group: 'nodeexec',
    name,
    source,
    target: target === '' ? { kind: 'random' } : target === 'all' ? { kind: 'all' } : { kind: 'node', name: target },
    commands: file.commands.map((c) => ({ command: c.command, parameters: c.parameters ?? [] })),
    slack: file.slack,
  };
}

/**
 * Generation 2: one cookie per namespace resource, sharing interval, duration and slack, named
 * `NAMESPACE-KIND-NAME` (`random` for an unnamed one); a repeated name gets `-2`, `-3`, … so every cookie stays addressable.
 */
export function fromConfigYaml(source: string, file: ConfigYaml): Cookie[] {
  const seen = new Map<string, number>();
  const uniqueName = (base: string): string => {
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return n === 1 ? base : `${base}-${n}`;
  };
  return file.namespace.flatMap((ns) =>
    ns.resource.map(
      (resource): KillPodCookie => ({
        group: 'killpod',
        name: uniqueName(`${ns.name}-${resource.kind}-${resource.name ? resource.name : 'random'}`),
        source,
        kind: resource.kind,
        namespace: ns.name,
        workload: resource.name ? resource.name : undefined,
        count: resource.target,
        intervalMs: file.interval,
        durationMs: file.duration ?? 0,
        slack: file.slack,
        fatal: false,
        events: false,
        mode: undefined,
        gracePeriodSeconds: undefined,
        podSelector: undefined,
        annotations: undefined,
        podNamePattern: undefined,
        minPodAgeMs: undefined,
        safety: { ...defaultSafety },
      }),
    ),
  );
}
