import { performance } from 'node:perf_hooks';
import { importDist } from '../lib/dist.mjs';
import { startFakeServerProcess } from '../lib/fake-server-process.mjs';
import { round, summarize } from '../lib/stats.mjs';

const deployments = ['web-1', 'web-2', 'web-3'];
const replicas = 3;
const readyDelayMs = 2_000;
const replaceDelayMs = 50;

/** Wall-clock time with sub-millisecond precision, comparable with the fake server process's (same machine). */
const preciseClock = {
  now: () => performance.timeOrigin + performance.now(),
  sleep: (ms, signal) =>
    new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

/**
 * How fast recovery stages are detected, and how close `recoveredMs` is to the truth, with replacements Ready 2 s after
 * they appear (the scenario). Rounds of kills, one pod of each of 3 Deployments at the same instant, tracked at
 * once by the product's recovery tracker on a watch and by one that polls every 500 ms. The fake server process notes
 * when it emitted each change; the truth of a kill is when the last of its events was emitted: victim gone,
 * replacement Ready, a Deployment status written after the kill showing the pre-kill availability.
 */
export async function runDetection({ quick, log }) {
  const rounds = quick ? 2 : 12;
  const [{ createCluster }, { createScopeFeed }, { createRecoveryTracker }, { createKillLog }] = await Promise.all([
    importDist('kube/index.js'),
    importDist('core/scope-watch.js'),
    importDist('core/recovery.js'),
    importDist('log/entries.js'),
  ]);
  const server = await startFakeServerProcess({
    controllers: { replaceDelayMs, readyDelayMs },
    nodes: ['node-1', 'node-2'],
    namespaces: [{ name: 'bench', deployments: deployments.map((name) => ({ name, replicas })) }],
  });
  const watching = new AbortController();
  try {
    const cluster = await createCluster({ kubeconfigYaml: server.kubeconfigYaml, env: {}, retries: 0 });
    const watchLog = createKillLog(preciseClock);
    const pollLog = createKillLog(preciseClock);
    const scopes = createScopeFeed(cluster, preciseClock, watching.signal);
    const watched = createRecoveryTracker({ cluster, clock: preciseClock, log: watchLog, scopes });
    const polled = createRecoveryTracker({ cluster, clock: preciseClock, log: pollLog }, { pollMs: 500 });
    // Held for the whole run, as a cookie holds the scope it picks victims from: each kill is then judged on a watch
    // that was already open when it happened.
    for (const name of deployments) {
      const workload = await cluster.getWorkload({ kind: 'deployment', namespace: 'bench', name });
      scopes.join(workload, workload.selector, { changed: () => undefined, failed: () => undefined });
    }
    await server.recordEvents();
    const kills = [];
    for (let round = 0; round < rounds; round++) {
      const targets = await Promise.all(deployments.map((name) => readyTarget(cluster, name)));
      await Promise.all(
        targets.map(async ({ workload, pods, victim }) => {
          const requestedAt = preciseClock.now();
          await cluster.deletePod(victim);
          const kill = { cookie: 'bench', pod: victim, workload, knownPodUids: pods.map((p) => p.uid), nodeName: victim.nodeName, requestedAt, at: preciseClock.now() };
          kills.push(kill);
          watched.track(kill);
          polled.track(kill);
        }),
      );
      await untilRecovered([watchLog, pollLog], kills.length);
    }
    await Promise.all([watched.settle(0), polled.settle(0)]);
    const events = await server.events();
    const results = kills.map((kill) => judgeKill(kill, events, recoveryOf(watchLog, kill), recoveryOf(pollLog, kill)));
    log(`detection: ${kills.length} kills, ${events.length} events`);
    const latencies = results.flatMap((r) => r.latencies.map((l) => l.ms));
    const error = (method) => results.map((r) => r[method].recoveredMs - r.truthMs);
    const watchError = summarize(error('watch'));
    const pollError = summarize(error('poll'));
    const detection = summarize(latencies);
    const byStage = {};
    for (const { stage, ms } of results.flatMap((r) => r.latencies)) (byStage[stage] ??= []).push(ms);
    const stageRows = Object.entries(byStage).map(([stage, ms]) => {
      const s = summarize(ms);
      return [`detection: ${stage}`, s.n, round(s.min), round(s.median), round(s.p99), round(s.max)];
    });
    return {
      readyDelayMs,
      kills: kills.length,
      detectionMs: roundAll(detection),
      detectionByStage: Object.fromEntries(Object.entries(byStage).map(([k, v]) => [k, roundAll(summarize(v))])),
      truthMs: roundAll(summarize(results.map((r) => r.truthMs))),
      watchErrorMs: roundAll(watchError),
      pollErrorMs: roundAll(pollError),
      methods: [...new Set(results.map((r) => r.watch.method))],
      rows: [
        ...stageRows,
        [`detection: every stage`, detection.n, round(detection.min), round(detection.median), round(detection.p99), round(detection.max)],
        ['recoveredMs − truth, watch', watchError.n, round(watchError.min), round(watchError.median), round(watchError.p99), round(watchError.max)],
        ['recoveredMs − truth, polling every 500 ms', pollError.n, round(pollError.min), round(pollError.median), round(pollError.p99), round(pollError.max)],
      ],
    };
  } finally {
    watching.abort();
    await server.close();
  }
}

export const detectionHeader = ['measure (ms)', 'samples', 'min', 'median', 'p99', 'max'];

const roundAll = (s) => Object.fromEntries(Object.entries(s).map(([k, v]) => [k, round(v)]));

/** The Deployment as it is, its pods, and a Ready victim; waits until all its pods are Ready (the previous round recovered). */
async function readyTarget(cluster, name) {
  for (;;) {
    const workload = await cluster.getWorkload({ kind: 'deployment', namespace: 'bench', name });
    const pods = await cluster.listPods('bench', workload.selector);
    const serving = pods.filter((p) => p.ready && !p.deleting);
    if (workload.available === replicas && serving.length === replicas && pods.length === replicas) return { workload, pods, victim: serving[0] };
    await preciseClock.sleep(20);
  }
}

async function untilRecovered(logs, count) {
  while (logs.some((l) => l.entries().filter((e) => e.kind === 'recovery').length < count)) await preciseClock.sleep(20);
}

function recoveryOf(log, kill) {
  const entry = log.entries().find((e) => e.kind === 'recovery' && e.pod.uid === kill.pod.uid);
  if (!entry?.recovered) throw new Error(`kill of ${kill.pod.name} not recovered: ${JSON.stringify(entry)}`);
  return entry;
}

/** The server's times for the kill's events, the tracker's stage times against them, and the truth. */
function judgeKill(kill, events, watch, poll) {
  const after = events.filter((e) => e.t >= kill.requestedAt);
  const victim = after.filter((e) => e.uid === kill.pod.uid);
  const terminating = victim.find((e) => e.deleting);
  const gone = victim.find((e) => e.type === 'DELETED');
  const known = new Set(kill.knownPodUids);
  const owned = (e) => e.resource === 'pods' && e.name.startsWith(`${kill.workload.name}-`) && !known.has(e.uid);
  const added = after.find((e) => owned(e) && e.type === 'ADDED');
  const ready = added && after.find((e) => e.uid === added.uid && e.ready);
  const statuses = after.filter((e) => e.resource === 'deployments' && e.name === kill.workload.name);
  const dip = statuses.findIndex((e) => e.available < kill.workload.available);
  const available = dip >= 0 ? statuses.slice(dip).find((e) => e.available >= kill.workload.available) : undefined;
  if (!gone || !ready || !available) throw new Error(`kill of ${kill.pod.name}: the server emitted no complete recovery`);
  const at = (stage) => kill.requestedAt + watch.stages[stage];
  const latencies = [
    ['terminating', terminating],
    ['gone', gone],
    ['replacement', added],
    ['ready', ready],
    ['available', available],
  ].filter(([stage, event]) => event && watch.stages[stage] !== undefined).map(([stage, event]) => ({ stage, ms: at(stage) - event.t }));
  const truthMs = Math.max(gone.t, ready.t, available.t) - kill.requestedAt;
  return { truthMs, latencies, watch, poll };
}
