import { formatDuration } from '../../config/duration.js';
import type { Span } from '../timeline.js';

/** Geometry of the timeline drawing, in SVG user units (the SVG scales to the page width). */
export const layout = { width: 1200, gutter: 236, right: 14, row: 14, bar: 10, axis: 28, laneGap: 6 } as const;

export interface Scale {
  /** Epoch ms → x. */
  x(at: number): number;
  /** Width of a stretch, at least `min` units so the shortest kill stays visible. */
  width(start: number, end: number, min?: number): number;
  ticks: { x: number; label: string }[];
}

const steps = [100, 250, 500, 1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000, 3_600_000, 7_200_000, 21_600_000, 43_200_000, 86_400_000];

/** Rounds coordinates to 0.1 unit: enough on any screen, and hundreds of marks stay small. */
export const r = (n: number): number => Math.round(n * 10) / 10;

export function scaleFor(span: Span): Scale {
  const plot = layout.width - layout.gutter - layout.right;
  const length = Math.max(1, span.end - span.start);
  const x = (at: number): number => r(layout.gutter + ((Math.min(Math.max(at, span.start), span.end) - span.start) / length) * plot);
  const step = steps.find((s) => length / s <= 10) ?? Math.ceil(length / 10);
  const ticks: Scale['ticks'] = [];
  for (let t = 0; t <= length; t += step) ticks.push({ x: x(span.start + t), label: t === 0 ? '0s' : `+${formatDuration(t)}` });
  return {
    x,
    width: (start, end, min = 1.5) => r(Math.max(min, x(end) - x(start))),
    ticks,
  };
}
