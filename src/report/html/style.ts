/** The report's only stylesheet: system fonts, colours from variables (light, dark, print), nothing fetched. */
export const reportCss = `
:root {
  color-scheme: light dark;
  --bg: #ffffff; --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --stripe: #f6f8fa;
  --down: #cf222e; --starting: #e16f24; --ready: #bf8700; --untracked: #818b98;
  --pass: #1a7f37; --fail: #cf222e; --skip: #818b98; --band: rgba(207, 34, 46, 0.10);
  --deploy: #54aeff; --chaos: #ff8182; --verify: #8c959f; --recover: #4ac26b;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0d1117; --fg: #e6edf3; --muted: #9198a1; --line: #3d444d; --stripe: #151b23;
    --down: #ff7b72; --starting: #ffa657; --ready: #e3b341; --untracked: #9198a1;
    --pass: #3fb950; --fail: #ff7b72; --skip: #9198a1; --band: rgba(255, 123, 114, 0.16);
    --deploy: #1f6feb; --chaos: #da3633; --verify: #656c76; --recover: #238636;
  }
}
@media print {
  :root {
    color-scheme: light;
    --bg: #ffffff; --fg: #000000; --muted: #444c56; --line: #afb8c1; --stripe: #f6f8fa;
  }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  figure, tr, .timeline { break-inside: avoid; }
  a { color: inherit; }
}
* { box-sizing: border-box; }
body { margin: 0; padding: 1.5rem; background: var(--bg); color: var(--fg); font: 14px/1.45 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; }
h1 { font-size: 1.5rem; margin: 0 0 .25rem; }
h2 { font-size: 1.15rem; margin: 2rem 0 .5rem; border-bottom: 1px solid var(--line); padding-bottom: .25rem; }
.verdict { font-size: 1.1rem; font-weight: 600; margin: 0 0 1rem; }
.verdict.passed { color: var(--pass); }
.verdict.failed { color: var(--fail); }
dl.summary { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; margin: 0; }
dl.summary dt { color: var(--muted); }
dl.summary dd { margin: 0; }
ul.problems li { color: var(--fail); }
figure { margin: 0; }
figcaption { color: var(--muted); margin-top: .5rem; }
.legend span { display: inline-block; margin-right: 1rem; white-space: nowrap; }
.legend i { display: inline-block; width: .9rem; height: .6rem; margin-right: .3rem; vertical-align: middle; border-radius: 1px; }
svg.timeline { width: 100%; height: auto; display: block; font: 11px system-ui, "DejaVu Sans", sans-serif; }
svg .tick { fill: var(--muted); text-anchor: middle; }
svg .grid { stroke: var(--line); stroke-width: .5; }
svg .lane-bg { fill: var(--stripe); }
svg .lane-label { fill: var(--fg); font-weight: 600; }
svg .lane-detail { fill: var(--muted); font-size: 10px; }
svg .phase rect { fill-opacity: .55; }
svg .phase-deploy-check rect { fill: var(--deploy); }
svg .phase-chaos rect { fill: var(--chaos); }
svg .phase-verification rect { fill: var(--verify); }
svg .phase-recovery rect { fill: var(--recover); }
svg .phase-text { fill: var(--fg); font-size: 10px; }
svg .st-down, .legend .st-down { fill: var(--down); background: var(--down); }
svg .st-starting, .legend .st-starting { fill: var(--starting); background: var(--starting); }
svg .st-ready, .legend .st-ready { fill: var(--ready); background: var(--ready); }
svg .st-untracked, .legend .st-untracked { fill: var(--untracked); background: var(--untracked); }
svg .open { fill-opacity: .35; stroke: var(--down); stroke-width: 1; stroke-dasharray: 3 2; }
svg .kill-at { stroke: var(--fg); stroke-width: 1.2; }
svg .kill.dry-run .kill-at { stroke: var(--muted); stroke-dasharray: 2 1; }
svg .milestone { stroke: var(--bg); stroke-width: 1; }
svg .event.skip rect { fill: var(--skip); }
svg .event.error rect, svg .event.exec-failed rect { fill: var(--fail); }
svg .event.exec-ok rect { fill: var(--pass); }
svg .sample.ok rect, svg .case.passed rect, .legend .passed { fill: var(--pass); background: var(--pass); }
svg .sample.fail rect, svg .case.failed rect, svg .case.error rect, .legend .failed { fill: var(--fail); background: var(--fail); }
svg .case.skipped rect { fill: var(--skip); }
svg .case.during-chaos rect { stroke: var(--fg); stroke-width: 1.2; }
svg .failband, .legend .failband { fill: var(--band); background: var(--band); }
table { border-collapse: collapse; width: 100%; margin: .5rem 0; font-variant-numeric: tabular-nums; }
caption { text-align: left; color: var(--muted); padding-bottom: .25rem; }
th, td { text-align: left; padding: .2rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; overflow-wrap: break-word; }
th { font-weight: 600; }
tbody tr:nth-child(even) { background: var(--stripe); }
td.num, th.num { text-align: right; white-space: nowrap; }
.bad { color: var(--fail); font-weight: 600; }
.good { color: var(--pass); }
.muted { color: var(--muted); }
footer { margin-top: 2rem; color: var(--muted); font-size: .85rem; }
`;
