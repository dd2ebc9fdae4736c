import type { Timeline } from '../timeline.js';
import { html, type Html } from './escape.js';
import { layout, scaleFor } from './scale.js';
import { caseLane, eventLane, killLane, phaseLane, sampleLane, type Lane } from './svg-lanes.js';

/**
 * The run on one time axis: phases, a lane per workload with a bar per kill, skips and errors, sample strips
 * (probes), and the verifier's timed cases; a failed case is also a band across every lane, so the kills it
 * overlapped line up with it. Every mark carries a `<title>`, which browsers show on hover and screen readers read.
 */
export function renderTimelineSvg(timeline: Timeline, caption: string): Html {
  const scale = scaleFor(timeline);
  const lanes: Lane[] = [phaseLane(timeline.phases), ...timeline.lanes.map(killLane)];
  if (timeline.events.length > 0) lanes.push(eventLane(timeline.events));
  lanes.push(...timeline.samples.map(sampleLane));
  if (timeline.cases.items.length > 0) lanes.push(caseLane(timeline.cases));

  let y = layout.axis;
  const drawn: Html[] = lanes.map((lane, index) => {
    const top = y;
    y += lane.height + layout.laneGap;
    const stripe = index % 2 === 1 ? html`<rect class="lane-bg" x="0" y="${top - layout.laneGap / 2}" width="${layout.width}" height="${lane.height + layout.laneGap}"/>` : '';
    return html`${stripe}${lane.draw(top, scale)}`;
  });
  const height = y + 4;
  const grid = scale.ticks.map(
    (t) => html`<line class="grid" x1="${t.x}" x2="${t.x}" y1="${layout.axis - 6}" y2="${height}"/><text class="tick" x="${t.x}" y="${layout.axis - 10}">${t.label}</text>`,
  );
  const failed = timeline.cases.items.filter(({ item }) => item.attributed.result === 'failed' || item.attributed.result === 'error');
  const bands = failed.map(
    ({ item }) =>
      html`<rect class="failband" x="${scale.x(item.attributed.start)}" y="${layout.axis - 6}" width="${scale.width(item.attributed.start, item.attributed.end, 2)}" height="${height - layout.axis + 6}"><title>${item.title}</title></rect>`,
  );
  return html`<svg class="timeline" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${layout.width} ${height}" role="group" aria-labelledby="timeline-title"><title id="timeline-title">${caption}</title>${grid}${bands}${drawn}</svg>`;
}
