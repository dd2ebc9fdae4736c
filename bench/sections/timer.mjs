import { performance } from 'node:perf_hooks';
import { importDist } from '../lib/dist.mjs';
import { percentile, median, round, slope } from '../lib/stats.mjs';

const intervalMs = 10;

/**
 * Timer accuracy of the real kill loop (`runTicks` on `systemClock`): lateness of each tick against its absolute
 * deadline, and where the last tick lands compared with start + n × interval. A naive loop that sleeps one interval
 * after each tick runs beside it as the reference: its lateness accumulates.
 */
export async function runTimer({ quick }) {
  const { runTicks } = await importDist('core/scheduler.js');
  const { systemClock } = await importDist('core/clock.js');
  const ticks = quick ? 200 : 1000;
  const scheduler = await measure(ticks, (tick) => runTicks(tick, systemClock, loopOptions(ticks)));
  const naive = await measure(ticks, async (tick) => {
    for (let n = 0; n < ticks; n++) {
      await tick(n);
      await systemClock.sleep(intervalMs);
    }
  });
  return {
    intervalMs,
    ticks,
    scheduler,
    naive,
    rows: [
      ['runTicks (absolute deadlines)', ...cells(scheduler)],
      ['naive sleep(interval) loop', ...cells(naive)],
    ],
  };
}

function loopOptions(ticks) {
  // The loop ends at start + duration; half an interval past the last deadline lets exactly `ticks` ticks run.
  return { intervalMs, durationMs: (ticks - 0.5) * intervalMs, stop: new AbortController().signal };
}

async function measure(ticks, loop) {
  const at = [];
  let t0 = 0;
  await loop(async (n) => {
    const now = performance.timeOrigin + performance.now();
    // runTicks anchors its deadlines on the whole millisecond Date.now() returned just before tick 0.
    if (n === 0) t0 = Math.floor(now);
    at.push({ n, now });
  });
  const lateness = at.map(({ n, now }) => now - (t0 + n * intervalMs));
  const last = at[at.length - 1];
  const ran = at.length;
  return {
    ran,
    skipped: (last?.n ?? 0) + 1 - ran,
    p50: round(median(lateness)),
    p99: round(percentile(lateness, 99)),
    max: round(Math.max(...lateness)),
    driftMs: round(last ? last.now - (t0 + last.n * intervalMs) : Number.NaN),
    driftPerTickMs: Number(slope(at.map((a) => a.n), lateness).toFixed(4)),
  };
}

function cells(m) {
  return [m.ran, m.p50, m.p99, m.max, m.driftMs, m.driftPerTickMs];
}

export const timerHeader = ['loop', 'ticks', 'late p50 ms', 'late p99 ms', 'late max ms', 'drift ms', 'drift ms/tick'];
