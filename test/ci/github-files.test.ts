import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appendStepSummary, fitSummary, stepSummaryLimitBytes } from '../../src/ci/github-files.js';

describe('step summary size limit', () => {
  it('keeps text that fits unchanged (adding the final newline)', () => {
    expect(fitSummary('abc', 4)).toBe('abc\n');
    expect(fitSummary('abc\n', 4)).toBe('abc\n');
  });

  it('cuts oversized text to the budget with a note, never splitting a UTF-8 character', () => {
    const text = '✅'.repeat(1000);
    for (const budget of [300, 301, 302, 303, 500]) {
      const fitted = fitSummary(text, budget);
      expect(Buffer.byteLength(fitted)).toBeLessThanOrEqual(budget);
      expect(fitted).not.toContain('\uFFFD');
      expect(fitted).toMatch(/Summary cut: 3001 bytes/);
      expect(fitted.startsWith('✅')).toBe(true);
    }
  });

  it('writes nothing when even the note does not fit', () => {
    expect(fitSummary('x'.repeat(100), 10)).toBe('');
  });

  it('counts what the step already wrote against 1 MiB', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kcm-summary-'));
    try {
      const path = join(dir, 'summary.md');
      await writeFile(path, 'x'.repeat(stepSummaryLimitBytes - 1000));
      await appendStepSummary(path, 'y'.repeat(5000));
      const size = (await stat(path)).size;
      expect(size).toBeLessThanOrEqual(stepSummaryLimitBytes);
      expect(size).toBeGreaterThan(stepSummaryLimitBytes - 200);
      expect(await readFile(path, 'utf8')).toMatch(/y+\n\n_Summary cut/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
