import type { KillPodCookie, SafetyRules } from '../../config/schema.js';
import { CookieError, isCookieError } from '../../errors.js';
import { matchesSelector, parseSelectorString } from '../../kube/selector.js';
import type { LabelSelector, Pod, Workload } from '../../kube/types.js';
import type { SkipReason } from '../../log/entries.js';
import { mapWithConcurrency } from '../concurrency.js';
import { resolveCount } from '../count.js';
import { selectCandidates } from '../filters.js';
import { pickOne, pickVictims } from '../pick.js';
import { isProtectedNamespace, safetyFloor } from '../safety.js';
import type { BiteContext } from './context.js';
import { requestedTargets, type Targets } from './targets.js';

/**
 * One tick of a killpod cookie: find the workload, apply the safety floor, pick distinct running victims, kill them.
 * The floor decision and the kills it allows run alone for their workload (ctx.ledger), counting every kill of the run
 * not yet recovered. Every outcome is a kill-log entry; nothing thrown here escapes a tick.
 */
export async function biteKillPod(cookie: KillPodCookie, tick: number, ctx: BiteContext): Promise<void> {
  const skip = (reason: SkipReason, message: string, workload?: Workload): void => {
    ctx.log.append({ kind: 'skip', cookie: cookie.name, tick, reason, message, ...(workload && { workload: refOf(workload) }) });
  };
  try {
    const rules = { ...cookie.safety, allowKubeSystem: cookie.safety.allowKubeSystem || ctx.options.allowKubeSystem };
    if (isProtectedNamespace(cookie.namespace, rules)) {
      skip('protected-namespace', 'kube-system is protected, doing nothing (allow it with --allow-kube-system)');
      return;
    }
    const { kind, namespace } = cookie;
    const targets = ctx.targets ?? requestedTargets(ctx.cluster);
    const decideOn = async (workload: Workload | undefined, name: string): Promise<void> => {
      if (workload) await decideAndKill(cookie, tick, workload, rules, skip, targets, ctx);
      else skip('workload-missing', `Can not find ${kind} ${name} in namespace ${namespace}, doing nothing`);
    };
    if (cookie.workload) {
      const ref = { kind, namespace, name: cookie.workload };
      await ctx.ledger.serialize(ref, async () => decideOn(await targets.workload(ref, ctx.signal), ref.name), ctx.signal);
      return;
    }
    const mark = ctx.ledger.mark();
    const picked = pickOne(await targets.workloads(namespace, kind, ctx.signal), ctx.rng);
    if (!picked) {
      skip('no-workload', `Can not find any ${kind} in namespace ${namespace}, doing nothing`);
      return;
    }
    // A status read before a kill of the same workload was accepted is out of date: read it again.
    const fresh = async (): Promise<Workload | undefined> => (ctx.ledger.killedSince(picked, mark) ? targets.workload(picked, ctx.signal) : picked);
    await ctx.ledger.serialize(picked, async () => decideOn(await fresh(), picked.name), ctx.signal);
  } catch (error) {
    logError(cookie, tick, error, ctx);
  }
}

/** Runs in the workload's turn of the ledger: the reported status and the pods as they are now, without kills not yet recovered. */
async function decideAndKill(
  cookie: KillPodCookie,
  tick: number,
  workload: Workload,
  rules: SafetyRules,
  skip: (reason: SkipReason, message: string, workload?: Workload) => void,
  targets: Targets,
  ctx: BiteContext,
): Promise<void> {
  const reported = safetyFloor(workload, rules);
  if (!reported.allowed) {
    skip(reported.reason, reported.message, workload);
    return;
  }
  if (isEmptySelector(workload.selector)) {
    // An empty selector lists every pod of the namespace: never pick victims from that.
    skip('no-candidates', `${describe(workload)} has an empty pod selector, doing nothing`, workload);
    return;
  }
  // Every pod of the workload, not only the cookie's selection: the floor counts them all.
  const pods = await targets.pods(workload, ctx.signal);
  const view = ctx.ledger.assess(workload, workload.available, pods);
  const extra = cookie.podSelector ? parseSelectorString(cookie.podSelector) : undefined;
  const candidates = selectCandidates(
    pods.filter((pod) => !view.isVictim(pod.uid) && (!extra || matchesSelector(pod.labels, extra))),
    {
      annotations: cookie.annotations,
      podNamePattern: cookie.podNamePattern,
      minPodAgeMs: cookie.minPodAgeMs,
      self: ctx.options.self,
    },
    ctx.clock.now(),
  );
  if (candidates.length === 0) {
    skip('no-candidates', `No running pod of ${describe(workload)} matches, doing nothing`, workload);
    return;
  }
  const counted = { ...workload, available: view.available };
  const floor = view.available < workload.available ? safetyFloor(counted, rules) : reported;
  if (!floor.allowed) {
    skip(floor.reason, floor.message, workload);
    return;
  }
  const wanted = resolveCount(cookie.count, candidates.length, ctx.rng);
  const victims = pickVictims(candidates, Math.min(wanted, floor.maxVictims), ctx.rng);
  await mapWithConcurrency(victims, ctx.options.concurrency, (pod) => killOne(cookie, tick, counted, pod, pods, ctx));
}

/**
 * Dry run sends the same DELETE or eviction with `dryRun=All`: the API server checks it (RBAC, PodDisruptionBudgets) and
 * deletes nothing. The bite entry follows the accepted request in both modes, so both log the same victims.
 */
async function killOne(cookie: KillPodCookie, tick: number, workload: Workload, pod: Pod, pods: readonly Pod[], ctx: BiteContext): Promise<void> {
  const mode = cookie.mode ?? ctx.options.mode;
  const gracePeriodSeconds = cookie.gracePeriodSeconds ?? ctx.options.gracePeriodSeconds;
  const podRef = { namespace: pod.namespace, name: pod.name, uid: pod.uid };
  const entry = {
    cookie: cookie.name,
    tick,
    mode,
    pod: podRef,
    nodeName: pod.nodeName,
    workload: refOf(workload),
    availableBefore: workload.available,
    desired: workload.desired,
  };
  const options = { gracePeriodSeconds, serverDryRun: ctx.options.dryRun, signal: ctx.signal };
  const requestedAt = ctx.clock.now();
  try {
    if (mode === 'evict') await ctx.cluster.evictPod(podRef, options);
    else await ctx.cluster.deletePod(podRef, options);
  } catch (error) {
    if (isCookieError(error) && error.code === 'disruption-budget') {
      ctx.log.append({ kind: 'skip', cookie: cookie.name, tick, reason: 'disruption-budget', message: `${pod.name}: ${error.message}`, workload: refOf(workload) });
      return;
    }
    if (isCookieError(error) && error.code === 'not-found') {
      ctx.log.append({ kind: 'skip', cookie: cookie.name, tick, reason: 'pod-gone', message: `${pod.name} is already gone, doing nothing`, workload: refOf(workload) });
      return;
    }
    logError(cookie, tick, error, ctx);
    return;
  }
  const knownPodUids = pods.map((p) => p.uid);
  ctx.ledger.recordKill(workload, podRef, knownPodUids);
  ctx.log.append({ kind: 'bite', dryRun: ctx.options.dryRun, ...entry });
  if (!ctx.options.dryRun) ctx.onKill?.({ cookie: cookie.name, pod: podRef, workload, knownPodUids, nodeName: pod.nodeName, requestedAt, at: ctx.clock.now() });
}

function logError(cookie: KillPodCookie, tick: number, error: unknown, ctx: BiteContext): void {
  const known = isCookieError(error) ? error : new CookieError('internal', error instanceof Error ? error.message : String(error));
  ctx.log.append({
    kind: 'error',
    cookie: cookie.name,
    tick,
    code: known.code,
    message: known.message,
    ...(known.hint !== undefined && { hint: known.hint }),
  });
}

function isEmptySelector(selector: LabelSelector): boolean {
  return Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0;
}

const refOf = (w: Workload) => ({ kind: w.kind, namespace: w.namespace, name: w.name });
const describe = (w: Workload) => `${w.kind} ${w.name} in namespace ${w.namespace}`;
