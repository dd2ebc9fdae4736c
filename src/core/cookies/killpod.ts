import type { KillPodCookie } from '../../config/schema.js';
import { CookieError, isCookieError } from '../../errors.js';
import { parseSelectorString } from '../../kube/selector.js';
import type { LabelSelector, Pod, Workload } from '../../kube/types.js';
import type { SkipReason } from '../../log/entries.js';
import { mapWithConcurrency } from '../concurrency.js';
import { resolveCount } from '../count.js';
import { selectCandidates } from '../filters.js';
import { pickOne, pickVictims } from '../pick.js';
import { isProtectedNamespace, safetyFloor } from '../safety.js';
import type { BiteContext } from './context.js';

/**
 * One tick of a killpod cookie: find the workload, apply the safety floor, pick distinct running victims, kill them.
 * Every outcome is a kill-log entry; nothing thrown here escapes a tick.
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
    const workload = await findWorkload(cookie, ctx);
    if (typeof workload === 'string') {
      skip(cookie.workload ? 'workload-missing' : 'no-workload', workload);
      return;
    }
    const floor = safetyFloor(workload, rules);
    if (!floor.allowed) {
      skip(floor.reason, floor.message, workload);
      return;
    }
    if (isEmptySelector(workload.selector)) {
      // An empty selector lists every pod of the namespace: never pick victims from that.
      skip('no-candidates', `${describe(workload)} has an empty pod selector, doing nothing`, workload);
      return;
    }
    const selector = withExtraSelector(workload.selector, cookie.podSelector);
    const pods = await ctx.cluster.listPods(workload.namespace, selector, { signal: ctx.signal });
    const candidates = selectCandidates(
      pods,
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
    const wanted = resolveCount(cookie.count, candidates.length, ctx.rng);
    const victims = pickVictims(candidates, Math.min(wanted, floor.maxVictims), ctx.rng);
    await mapWithConcurrency(victims, ctx.options.concurrency, (pod) => killOne(cookie, tick, workload, pod, pods, ctx));
  } catch (error) {
    logError(cookie, tick, error, ctx);
  }
}

async function findWorkload(cookie: KillPodCookie, ctx: BiteContext): Promise<Workload | string> {
  const { kind, namespace } = cookie;
  if (cookie.workload) {
    const found = await ctx.cluster.getWorkload({ kind, namespace, name: cookie.workload }, { signal: ctx.signal });
    return found ?? `Can not find ${kind} ${cookie.workload} in namespace ${namespace}, doing nothing`;
  }
  const all = await ctx.cluster.listWorkloads(namespace, kind, { signal: ctx.signal });
  return pickOne(all, ctx.rng) ?? `Can not find any ${kind} in namespace ${namespace}, doing nothing`;
}

/** The single dry-run choke point sits right after the bite entry, so both modes log the same victims. */
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
  try {
    if (mode === 'evict') await ctx.cluster.evictPod(podRef, options);
    else await ctx.cluster.deletePod(podRef, options);
  } catch (error) {
    if (isCookieError(error) && error.code === 'disruption-budget') {
      ctx.log.append({ kind: 'skip', cookie: cookie.name, tick, reason: 'disruption-budget', message: `${pod.name}: ${error.message}`, workload: refOf(workload) });
      return;
    }
    logError(cookie, tick, error, ctx);
    return;
  }
  ctx.log.append({ kind: 'bite', dryRun: ctx.options.dryRun, ...entry });
  if (!ctx.options.dryRun) ctx.onKill?.({ cookie: cookie.name, pod: podRef, workload, knownPodUids: pods.map((p) => p.uid), at: ctx.clock.now() });
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

function withExtraSelector(selector: LabelSelector, extra: string | undefined): LabelSelector {
  if (!extra) return selector;
  const more = parseSelectorString(extra);
  return {
    matchLabels: { ...selector.matchLabels, ...more.matchLabels },
    matchExpressions: [...(selector.matchExpressions ?? []), ...(more.matchExpressions ?? [])],
  };
}

function isEmptySelector(selector: LabelSelector): boolean {
  return Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0;
}

const refOf = (w: Workload) => ({ kind: w.kind, namespace: w.namespace, name: w.name });
const describe = (w: Workload) => `${w.kind} ${w.name} in namespace ${w.namespace}`;
