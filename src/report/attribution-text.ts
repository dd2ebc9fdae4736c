import { formatDuration } from '../config/duration.js';
import { attributionLabel, describeKill, type AttributedCase, type Attribution, type OutageWindow } from './attribution.js';

/** Kills named per line of text; the rest are counted ("… and 12 more"), the kill log has them all. */
export const maxNamedKills = 10;

const offset = (at: number, runStart: number): string => `+${formatDuration(Math.max(0, at - runStart))}`;

/** "openstack/keystone-abc (deployment/keystone, cookie c) killed at +14s, back after 4.2s" */
export function describeOutage(w: OutageWindow, runStart: number): string {
  const back = w.open ? (w.recovery ? `not back after ${formatDuration(w.end - w.start)}` : 'recovery not measured') : `back after ${formatDuration(w.end - w.start)}`;
  return `${describeKill(w)} killed at ${offset(w.start, runStart)}, ${back}`;
}

export function listKills(kills: readonly OutageWindow[], runStart: number): string {
  const named = kills.slice(0, maxNamedKills).map((w) => describeOutage(w, runStart));
  if (kills.length > maxNamedKills) named.push(`… and ${kills.length - maxNamedKills} more`);
  return named.join('; ');
}

const killCount = (n: number): string => `${n} kill${n === 1 ? '' : 's'}`;

/** One line about a case and the kills, for its JUnit system-out and the text summary; undefined when there is nothing to say. */
export function caseChaosNote(c: AttributedCase, attribution: Attribution, runStart: number): string | undefined {
  const label = attributionLabel(c);
  if (!c.timed) {
    if (!label) return undefined;
    const v = attribution.verification;
    const suite = v ? `; the verification as a whole (${offset(v.start, runStart)} to ${offset(v.end, runStart)}) overlapped ${killCount(v.kills.length)}${v.kills.length ? `: ${listKills(v.kills, runStart)}` : ''}` : '';
    return `chaos: ${label}${suite}`;
  }
  const when = `ran ${offset(c.start, runStart)} to ${offset(c.end, runStart)}`;
  if (c.kills.length === 0) return label ? `chaos: ${label} (${when})` : undefined;
  return `chaos: ${label ?? `${c.result} while pods were down`} (${when}); overlapped ${killCount(c.kills.length)}: ${listKills(c.kills, runStart)}`;
}

/** The suite-level line for the verification command: which kills overlapped it, and how its cases' failures split. */
export function verificationChaosNote(attribution: Attribution, runStart: number): string | undefined {
  const v = attribution.verification;
  if (!v) return undefined;
  const lines = [`chaos: ${killCount(v.kills.length)} overlapped the verification (${offset(v.start, runStart)} to ${offset(v.end, runStart)})${v.kills.length ? `: ${listKills(v.kills, runStart)}` : ''}`];
  const split = failureSplit(attribution);
  if (split) lines.push(`chaos: test cases ${split}`);
  return lines.join('\n');
}

/** "2 failed during chaos, 1 failed outside any kill window, 1 failed without times"; undefined when no case failed. */
export function failureSplit(attribution: Attribution): string | undefined {
  const parts: string[] = [];
  if (attribution.failedDuringChaos.length) parts.push(`${attribution.failedDuringChaos.length} failed during chaos`);
  if (attribution.failedOutsideKills.length) parts.push(`${attribution.failedOutsideKills.length} failed outside any kill window`);
  if (attribution.failedUntimed.length) parts.push(`${attribution.failedUntimed.length} failed without times (attributed to the verification as a whole)`);
  return parts.length ? parts.join(', ') : undefined;
}
