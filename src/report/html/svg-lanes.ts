import { formatDuration } from '../../config/duration.js';
import { packRows, type KillLane, type PhaseSpan, type PointEvent, type SampleLane, type Timeline } from '../timeline.js';
import { html, type Html } from './escape.js';
import { layout, r, type Scale } from './scale.js';

/** One horizontal band of the drawing: its marks are placed from `y`, and it takes `height` units. */
export interface Lane {
  height: number;
  draw(y: number, scale: Scale): Html;
}

const label = (y: number, name: string, detail?: string): Html => {
  const short = name.length > 24 ? `${name.slice(0, 23)}…` : name;
  return html`<text class="lane-label" x="8" y="${y + 11}"><title>${name}</title>${short}</text>${detail ? html`<text class="lane-detail" x="8" y="${y + 23}">${detail}</text>` : ''}`;
};

const rowY = (y: number, row: number): number => y + 4 + row * layout.row;

/** Phases on rows of their own where they overlap (the verification runs during chaos). */
export function phaseLane(phases: readonly PhaseSpan[]): Lane {
  const packed = packRows(phases, (p) => p, 3);
  return {
    height: packed.rows * 18 + 4,
    draw: (y, s) =>
      html`<g class="lane phases">${label(y, 'phases')}${packed.items.map(({ item: p, row }) => {
        const w = s.width(p.start, p.end);
        const top = y + 2 + row * 18;
        const text = w > p.name.length * 6.5 + 6 ? html`<text class="phase-text" x="${r(s.x(p.start) + 4)}" y="${top + 12}">${p.name}</text>` : '';
        return html`<g class="phase phase-${p.name.replace(' ', '-')}" role="img"><title>${p.name}: ${formatDuration(p.end - p.start)}</title><rect x="${s.x(p.start)}" y="${top}" width="${w}" height="16" rx="2"/>${text}</g>`;
      })}</g>`,
  };
}

export function killLane(lane: KillLane): Lane {
  const count = lane.kills.items.length;
  const median = lane.recoveredMs[Math.floor((lane.recoveredMs.length - 1) / 2)];
  const detail = `${lane.ref.namespace}: ${count} kill${count === 1 ? '' : 's'}${median === undefined ? '' : `, median ${formatDuration(median)}`}${lane.unrecovered ? `, ${lane.unrecovered} not back` : ''}`;
  return {
    height: Math.max(30, lane.kills.rows * layout.row + 8),
    draw: (y, s) =>
      html`<g class="lane kills" role="group" aria-label="${lane.workload}: ${detail}">${label(y, `${lane.ref.kind}/${lane.ref.name}`, detail)}${lane.kills.items.map(({ item: k, row }) => {
        const top = rowY(y, row);
        const segments = k.stages.map((st) => html`<rect class="st-${st.state}${st.open ? ' open' : ''}" x="${s.x(st.start)}" y="${top}" width="${s.width(st.start, st.end)}" height="${layout.bar}"/>`);
        const ticks = k.milestones.map((m) => html`<line class="milestone" x1="${s.x(m.at)}" x2="${s.x(m.at)}" y1="${top}" y2="${top + layout.bar}"/>`);
        return html`<g class="kill ${k.status}" role="img"><title>${k.title}</title>${segments}${ticks}<path class="kill-at" d="M${s.x(k.start)} ${top - 2}v${layout.bar + 4}"/></g>`;
      })}</g>`,
  };
}

export function eventLane(events: readonly PointEvent[]): Lane {
  const skips = events.filter((e) => e.kind === 'skip').length;
  const errors = events.filter((e) => e.kind === 'error' || e.kind === 'exec-failed').length;
  return {
    height: 30,
    draw: (y, s) =>
      html`<g class="lane events">${label(y, 'skips and errors', `${skips} skipped, ${errors} failed`)}${events.map(
        (e) => html`<g class="event ${e.kind}" role="img"><title>${e.title}</title><rect x="${r(s.x(e.at) - 1.5)}" y="${y + 5}" width="3" height="18"/></g>`,
      )}</g>`,
  };
}

/** A strip of pass/fail samples (a probe's): each sample's state holds until the next one, or until the lane's end. */
export function sampleLane(lane: SampleLane): Lane {
  const failures = lane.samples.filter((x) => !x.ok).length;
  return {
    height: 30,
    draw: (y, s) =>
      html`<g class="lane samples" role="group" aria-label="${lane.label}: ${failures} failed samples">${label(y, lane.label, `${lane.samples.length} samples, ${failures} failed`)}${lane.samples.map((sample, i) => {
        const until = lane.samples[i + 1]?.at ?? lane.end;
        return html`<g class="sample ${sample.ok ? 'ok' : 'fail'}" role="img"><title>${sample.title}</title><rect x="${s.x(sample.at)}" y="${y + 5}" width="${s.width(sample.at, until, 2)}" height="18"/></g>`;
      })}</g>`,
  };
}

export function caseLane(cases: Timeline['cases']): Lane {
  const failed = cases.items.filter(({ item }) => item.attributed.result === 'failed' || item.attributed.result === 'error').length;
  return {
    height: Math.max(30, cases.rows * layout.row + 8),
    draw: (y, s) =>
      html`<g class="lane cases" role="group" aria-label="test cases: ${cases.items.length}, ${failed} failed">${label(y, 'test cases', `${cases.items.length} timed, ${failed} failed`)}${cases.items.map(({ item, row }) => {
        const c = item.attributed;
        const during = c.kills.length > 0 ? ' during-chaos' : '';
        return html`<g class="case ${c.result}${during}" role="img"><title>${item.title}</title><rect x="${s.x(c.start)}" y="${rowY(y, row)}" width="${s.width(c.start, c.end, 2)}" height="${layout.bar}"/></g>`;
      })}</g>`,
  };
}
