import { formatDuration } from '../config/duration.js';
import type { EntryOf } from '../log/entries.js';

type Bite = EntryOf<'bite'>;
type Recovery = EntryOf<'recovery'>;

/** What a stretch of a kill's bar means: no replacement yet, a replacement not yet Ready, Ready but the workload not yet available. */
export type KillState = 'down' | 'starting' | 'ready' | 'untracked';

/** A stretch of a kill's recovery, drawn as one segment of its bar; `open` when it never ended (not recovered). */
export interface KillStage {
  state: KillState;
  start: number;
  end: number;
  open: boolean;
}

export type KillStatus = 'recovered' | 'slow' | 'unrecovered' | 'untracked' | 'dry-run';

export interface KillMark {
  bite: Bite;
  recovery: Recovery | undefined;
  status: KillStatus;
  stages: KillStage[];
  /** Observed milestones (epoch ms), as ticks on the bar. */
  milestones: { name: string; at: number }[];
  start: number;
  end: number;
  /** Everything about the kill in one line: the mark's `<title>`. */
  title: string;
}

/** Milestones of a recovery in the words of the report, and the state each one starts. */
const milestoneWords = {
  terminating: { label: 'Terminating', starts: undefined },
  gone: { label: 'victim gone', starts: undefined },
  replacement: { label: 'replacement seen', starts: 'starting' },
  scheduled: { label: 'replacement scheduled', starts: 'starting' },
  ready: { label: 'replacement Ready', starts: 'ready' },
  available: { label: 'available again', starts: undefined },
} as const satisfies Record<string, { label: string; starts: KillState | undefined }>;

type MilestoneName = keyof typeof milestoneWords;

/** The milestones a recovery entry says it saw, in ms after the kill: its `stages`, else (older logs) its replacement and recovery times. */
function observed(recovery: Recovery): [MilestoneName, number][] {
  const found: [MilestoneName, number][] = [];
  for (const name of Object.keys(milestoneWords) as MilestoneName[]) {
    const ms = recovery.stages?.[name] ?? (name === 'replacement' ? recovery.replacementMs : name === 'available' && recovery.recovered ? recovery.recoveredMs : undefined);
    if (typeof ms === 'number' && Number.isFinite(ms) && ms >= 0) found.push([name, ms]);
  }
  return found.sort((a, b) => a[1] - b[1]);
}

/** A kill as a bar: one segment per stretch between milestones, coloured by what was missing; open until measuring ended if never back. */
export function killMark(bite: Bite, recovery: Recovery | undefined, runEnd: number, sloMs: number | undefined): KillMark {
  const where = `${bite.pod.namespace}/${bite.pod.name} (${bite.workload.kind}/${bite.workload.name}, cookie ${bite.cookie})`;
  const how = `${bite.mode}, tick ${bite.tick}, ${bite.availableBefore}/${bite.desired} available before`;
  const base = { bite, recovery, milestones: [], start: bite.at };
  if (bite.dryRun) return { ...base, status: 'dry-run', stages: [], end: bite.at, title: `${where}: dry run, not deleted (${how})` };
  if (!recovery) {
    const stages: KillStage[] = [{ state: 'untracked', start: bite.at, end: runEnd, open: true }];
    return { ...base, status: 'untracked', stages, end: runEnd, title: `${where}: killed (${how}); recovery not measured` };
  }
  const stages: KillStage[] = [];
  let state: KillState = 'down';
  let from = bite.at;
  const seen = observed(recovery);
  for (const [name, ms] of seen) {
    if (bite.at + ms > from) stages.push({ state, start: from, end: bite.at + ms, open: false });
    from = Math.max(from, bite.at + ms);
    state = milestoneWords[name].starts ?? state;
  }
  if (!recovery.recovered) stages.push({ state, start: from, end: Math.max(from, recovery.at), open: true });
  const said = seen.map(([name, ms]) => `${milestoneWords[name].label} after ${formatDuration(ms)}`);
  if (!recovery.recovered) said.push(`NOT RECOVERED ${formatDuration(recovery.at - bite.at)} after the kill`);
  const slow = recovery.recovered && sloMs !== undefined && (recovery.recoveredMs ?? 0) > sloMs;
  const status: KillStatus = !recovery.recovered ? 'unrecovered' : slow ? 'slow' : 'recovered';
  const verdict = slow && sloMs !== undefined ? `; over the ${formatDuration(sloMs)} SLO` : '';
  return {
    ...base,
    status,
    stages,
    milestones: seen.map(([name, ms]) => ({ name: milestoneWords[name].label, at: bite.at + ms })),
    end: stages.at(-1)?.end ?? bite.at,
    title: `${where}: killed (${how}); ${said.join(', ') || 'recovered'}${verdict}`,
  };
}
