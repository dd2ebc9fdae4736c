import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { entriesOf } from '../../src/log/entries.js';
import { toHtmlReport } from '../../src/report/html/report.js';
import { chromiumAvailable, openInChromium, type LoadedPage } from '../helpers/chromium.js';
import { decodePng, inkOf } from '../helpers/png.js';
import { runCli, workspace } from '../cli/run-cli.js';
import { bigReport } from './big-report.js';
import { sampleReport } from './sample-report.js';

/** `UPDATE_SCREENSHOT=1 npx vitest run test/report/html-browser.test.ts` refreshes the README's picture of the demo's report. */
const readmeScreenshot = new URL('../../docs/report.png', import.meta.url);

const pages: LoadedPage[] = [];
afterEach(async () => {
  while (pages.length) await pages.pop()?.close();
});

async function open(file: string, options?: Parameters<typeof openInChromium>[1]): Promise<LoadedPage> {
  const page = await openInChromium(file, options);
  pages.push(page);
  return page;
}

function writeReport(html: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'kcm-html-')), 'report.html');
  writeFileSync(file, html);
  return file;
}

const svgKillTitles = (page: LoadedPage) => page.evaluate<string[]>('[...document.querySelectorAll("svg.timeline g.kill > title")].map((t) => t.textContent)');

if (!chromiumAvailable) console.warn('chromium not found: skipping the browser tests (apt-get install -y chromium)');

describe.skipIf(!chromiumAvailable)('HTML report in headless Chromium', () => {
  it('the demo with --html and --ci github: renders with no console error and no request, names every victim pod; the job summary has a mermaid block', async () => {
    const dir = workspace(undefined, {});
    const summaryFile = join(dir, 'step-summary.md');
    writeFileSync(summaryFile, '');
    const run = await runCli(dir, ['demo', '--seed', '1', '--seconds', '5', '--html', 'r.html', '--ci', 'github'], {
      env: { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summaryFile },
    });
    expect(run.exitCode).toBe(0);
    expect(readFileSync(summaryFile, 'utf8')).toMatch(/\n```mermaid\ngantt\n[\s\S]+\n```\n/);

    const file = join(dir, 'r.html');
    const started = performance.now();
    const page = await open(file);
    const loadedMs = performance.now() - started;
    expect(page.consoleErrors).toEqual([]);
    expect(page.dialogs).toEqual([]);
    expect(page.requests).toEqual([`file://${file}`]);

    const victims = entriesOf(run.entries(), 'bite').map((b) => `${b.pod.namespace}/${b.pod.name}`);
    expect(victims.length).toBeGreaterThan(0);
    const titles = await svgKillTitles(page);
    expect(titles.map((title) => title.split(' (')[0]).sort()).toEqual([...victims].sort());

    const png = await page.screenshot();
    const pixels = decodePng(png);
    const { ink, colours } = inkOf(pixels);
    expect(ink / (pixels.width * pixels.height)).toBeGreaterThan(0.02);
    expect(colours).toBeGreaterThan(20);
    if (process.env['UPDATE_SCREENSHOT'] === '1') writeFileSync(readmeScreenshot, await page.screenshot(1000));
    console.info(`demo report: ${readFileSync(file).length} bytes, ${victims.length} kills, loaded in Chromium in ${Math.round(loadedMs)} ms (browser start included)`);
  }, 120_000);

  it('a hostile pod or test name stays text: no request, no script, no image; the title reads it literally', async () => {
    const hostile = '<img src=x onerror=alert(1)>';
    const report = sampleReport();
    report.entries = report.entries.map((e) => (e.kind === 'bite' || e.kind === 'recovery' ? { ...e, pod: { ...e.pod, name: hostile } } : e));
    report.externalCases = [{ suite: 'api', className: 'api', name: `<script>alert(2)</script>`, timeSeconds: 1, failure: hostile }];
    const file = writeReport(toHtmlReport(report));
    const page = await open(file);
    expect(page.requests).toEqual([`file://${file}`]);
    expect(page.dialogs).toEqual([]);
    expect(page.consoleErrors).toEqual([]);
    expect(await page.evaluate<number>('document.querySelectorAll("img, script").length')).toBe(0);
    expect((await svgKillTitles(page))[0]).toBe(`openstack/${hostile} (deployment/keystone, cookie keystone-killer): killed (delete, tick 1, 3/3 available before); replacement seen after 1.1s, available again after 4.2s`);
    expect(await page.evaluate<string>('document.body.innerText')).toContain('api.<script>alert(2)</script>');
  }, 60_000);

  it('follows the dark colour scheme, and a 500-kill report renders with a mark per kill', async () => {
    const file = writeReport(toHtmlReport(bigReport(500, 5)));
    const background = 'getComputedStyle(document.body).backgroundColor';
    const light = await open(file, { colorScheme: 'light' });
    const dark = await open(file, { colorScheme: 'dark' });
    expect(await light.evaluate<string>(background)).toBe('rgb(255, 255, 255)');
    expect(await dark.evaluate<string>(background)).toBe('rgb(13, 17, 23)');
    expect(await dark.evaluate<string>('getComputedStyle(document.querySelector("svg .lane-label")).fill')).not.toBe(await light.evaluate<string>('getComputedStyle(document.querySelector("svg .lane-label")).fill'));
    expect(await dark.evaluate<number>('document.querySelectorAll("svg.timeline g.kill").length')).toBe(500);
    expect(dark.consoleErrors).toEqual([]);
  }, 60_000);
});
