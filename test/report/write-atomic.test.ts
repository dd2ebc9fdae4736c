import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isCookieError } from '../../src/errors.js';
import { toJsonLines } from '../../src/report/json-lines.js';
import { writeFileAtomic } from '../../src/report/write-atomic.js';
import { sampleReport } from './sample-report.js';

const scratch = () => mkdtempSync(join(tmpdir(), 'kcm-write-'));

describe('writeFileAtomic', () => {
  it('creates missing parent directories and leaves no temporary file', async () => {
    const dir = scratch();
    const path = join(dir, 'reports', 'deep', 'junit.xml');
    await writeFileAtomic(path, '<testsuites/>');
    expect(readFileSync(path, 'utf8')).toBe('<testsuites/>');
    expect(readdirSync(join(dir, 'reports', 'deep'))).toEqual(['junit.xml']);
  });

  it('replaces an existing file as a whole', async () => {
    const path = join(scratch(), 'kills.jsonl');
    writeFileSync(path, 'old contents that are longer than the new ones');
    await writeFileAtomic(path, 'new');
    expect(readFileSync(path, 'utf8')).toBe('new');
  });

  it('keeps the old file when many writers race, and ends with one complete version', async () => {
    const path = join(scratch(), 'race.txt');
    const versions = Array.from({ length: 20 }, (_, i) => `version ${i} `.repeat(5_000));
    await Promise.all(versions.map((v) => writeFileAtomic(path, v)));
    expect(versions).toContain(readFileSync(path, 'utf8'));
  });

  it('names the target path when it cannot write', async () => {
    const dir = scratch();
    writeFileSync(join(dir, 'file'), 'x');
    const error: unknown = await writeFileAtomic(join(dir, 'file', 'junit.xml'), 'x').catch((e: unknown) => e);
    expect(isCookieError(error) && error.code).toBe('usage');
    expect((error as Error).message).toMatch(new RegExp(`^cannot write ${join(dir, 'file', 'junit.xml')}: `));
    const dirError: unknown = await writeFileAtomic(dir, 'x').catch((e: unknown) => e);
    expect((dirError as Error).message).toBe(`cannot write ${dir}: it is a directory (EISDIR)`);
    expect(readdirSync(dir)).toEqual(['file']);
  });
});

describe('toJsonLines', () => {
  it('writes one JSON object per entry, each with a newline and an ISO time', () => {
    const entries = sampleReport().entries;
    const text = toJsonLines(entries);
    const lines = text.split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(entries.length);
    const first = JSON.parse(lines[0] ?? '') as Record<string, unknown>;
    expect(first).toMatchObject({ kind: 'run-start', runId: '20261124T090000-abcd1234', time: '2026-11-24T09:00:00.000Z' });
    expect(lines.map((l) => (JSON.parse(l) as { kind: string }).kind)).toEqual(entries.map((e) => e.kind));
  });

  it('is empty for no entries', () => {
    expect(toJsonLines([])).toBe('');
  });
});
