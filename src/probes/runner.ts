import type { Clock } from '../core/clock.js';
import { runTicks } from '../core/scheduler.js';
import type { KillLog } from '../log/entries.js';
import { createCheck, type Check, type CheckDeps } from './checks.js';
import type { ProbePhase, ProbeSpec } from './spec.js';
import { breaches, describeTolerance, emptyTally, record, type Tally } from './tolerance.js';

type Phase = ProbePhase | 'start-when';

export interface ProbeSet {
  readonly specs: readonly ProbeSpec[];
  /** Probes with `startWhen`: each sampled every `every` until it passes; false when one did not within its time. */
  awaitStart(signal: AbortSignal): Promise<boolean>;
  /** One sample of every probe of `phase` (the steady state before chaos, or after recovery); false when one failed. */
  checkOnce(phase: 'before' | 'after', signal: AbortSignal): Promise<boolean>;
  /**
   * Samples the `during` probes every `every` until `stop()`. The first breach of a probe with `abort: true` calls
   * `onAbort` once, at the moment it is observed.
   */
  watchDuring(options: { signal: AbortSignal; onAbort: (probe: string, reason: string) => void }): { stop(): Promise<void> };
}

/** Every probe of a run, with its check, logging to the run's kill log. */
export function createProbeSet(specs: readonly ProbeSpec[], deps: CheckDeps & { log: KillLog; clock: Clock }): ProbeSet {
  const checks = new Map<string, Check>(specs.map((spec) => [spec.name, createCheck(spec, deps)]));
  const checkOf = (spec: ProbeSpec): Check => checks.get(spec.name) as Check;
  const of = (phase: Phase) => specs.filter((s) => (phase === 'start-when' ? s.startWithinMs !== undefined : s.phases.includes(phase)));

  /** Logs every failure and every change to passing; returns the new tally. */
  const sample = async (spec: ProbeSpec, phase: Phase, tally: Tally, signal: AbortSignal): Promise<Tally> => {
    const result = await checkOf(spec)(signal);
    const wasFailing = tally.samples === 0 || tally.streak > 0;
    if (!result.ok || wasFailing) deps.log.append({ kind: 'probe', probe: spec.name, phase, ok: result.ok, message: result.message });
    return record(tally, result.ok);
  };
  const end = (spec: ProbeSpec, phase: Phase, tally: Tally, breached: boolean): void => {
    deps.log.append({ kind: 'probe-end', probe: spec.name, phase, samples: tally.samples, failures: tally.failures, breached, tolerance: phase === 'during' ? describeTolerance(spec.tolerance) : 'must pass' });
  };

  return {
    specs,
    async awaitStart(signal) {
      const results = await Promise.all(
        of('start-when').map(async (spec) => {
          const deadline = deps.clock.now() + (spec.startWithinMs as number);
          let tally = emptyTally();
          for (;;) {
            tally = await sample(spec, 'start-when', tally, signal);
            if (tally.streak === 0) break;
            if (signal.aborted || deps.clock.now() + spec.everyMs > deadline) break;
            await deps.clock.sleep(spec.everyMs, signal).catch(() => undefined);
          }
          end(spec, 'start-when', tally, tally.streak > 0);
          return tally.streak === 0;
        }),
      );
      return results.every(Boolean);
    },
    async checkOnce(phase, signal) {
      const results = await Promise.all(
        of(phase).map(async (spec) => {
          const tally = await sample(spec, phase, emptyTally(), signal);
          end(spec, phase, tally, tally.failures > 0);
          return tally.failures === 0;
        }),
      );
      return results.every(Boolean);
    },
    watchDuring({ signal, onAbort }) {
      const stop = new AbortController();
      let aborted = false;
      const loops = of('during').map(async (spec) => {
        let tally = emptyTally();
        let breached = false;
        await runTicks(
          async () => {
            tally = await sample(spec, 'during', tally, signal);
            if (!breached && breaches(tally, spec.tolerance)) {
              breached = true;
              if (spec.abort && !aborted) {
                aborted = true;
                onAbort(spec.name, `probe ${spec.name} breached (${tally.failures} of ${tally.samples} samples failed; tolerance: ${describeTolerance(spec.tolerance)})`);
              }
            }
          },
          deps.clock,
          { intervalMs: spec.everyMs, durationMs: 0, stop: stop.signal, abort: signal },
        );
        end(spec, 'during', tally, breached);
      });
      return {
        stop: async () => {
          stop.abort();
          await Promise.all(loops);
        },
      };
    },
  };
}
