import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/core/clock.js';
import { isCookieError } from '../../src/errors.js';
import { prepareRallyEnv } from '../../src/rally/prepare-env.js';
import { runRally } from '../../src/rally/run-rally.js';
import { toJUnitXml } from '../../src/report/junit.js';
import { sampleReport } from '../report/sample-report.js';
import { wasmSchemaErrors } from '../report/xsd.js';

const deps = { clock: systemClock };
const task = (name: string) => fileURLToPath(new URL(`../fixtures/rally/${name}`, import.meta.url));
/** In CI (.ci/run installs rally) a missing Rally fails these tests instead of skipping them. */
const rallyInstalled = process.env['CI'] === 'true' || spawnSync('rally', ['--version'], { stdio: 'ignore' }).status === 0;
const skipReason = 'rally is not installed (Debian: apt-get install -y rally); skipping the tests against the real Rally';
if (!rallyInstalled) console.warn(skipReason);
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('runRally without Rally installed', () => {
  it('reports a missing rally executable as a failed verification (exit 127)', async () => {
    const result = await runRally({ taskFile: task('pass.yaml'), workDir: tmpdir(), executable: 'kcm-no-such-rally' }, deps);
    expect(result.verify).toMatchObject({ failed: true, exitCode: 127 });
    expect(result.verify.shortMessage).toBe('rally task start command not found: kcm-no-such-rally (exit code 127)');
    expect(result).toMatchObject({ slaFailures: [], externalCases: [], taskId: undefined });
  });

  it('names a missing rally in prepareRallyEnv and how to install it', async () => {
    const home = mkdtempSync(join(tmpdir(), 'kcm-rally-'));
    const error: unknown = await prepareRallyEnv({ home, dbPath: join(home, 'rally.sqlite'), executable: 'kcm-no-such-rally' }, deps).catch((e: unknown) => e);
    expect(isCookieError(error) && error.code).toBe('config-invalid');
    expect((error as Error).message).toBe('rally db create command not found: kcm-no-such-rally (exit code 127)');
    expect(isCookieError(error) && error.hint).toBe('install Rally (Debian: apt-get install -y rally)');
  });
});

describe.skipIf(!rallyInstalled)(`runRally against the real Rally${rallyInstalled ? '' : ` (skipped: ${skipReason})`}`, () => {
  let home = '';
  let configFile = '';
  const timings: string[] = [];
  const timed = async <T>(label: string, body: () => Promise<T>): Promise<T> => {
    const started = Date.now();
    try {
      return await body();
    } finally {
      timings.push(`${label}: ${Date.now() - started} ms`);
    }
  };

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'kcm-rally-'));
    const prepared = await timed('prepareRallyEnv (db create + env create)', () => prepareRallyEnv({ home, dbPath: join(home, 'db', 'rally.sqlite') }, deps));
    expect(prepared.created).toBe(true);
    configFile = prepared.configFile;
  }, 60_000);

  afterAll(() => {
    console.info(`rally timings:\n  ${timings.join('\n  ')}`);
  });

  it('wrote a config pointing at an absolute SQLite path, and does nothing the second time', async () => {
    expect(readFileSync(configFile, 'utf8')).toBe(`[database]\nconnection = sqlite:///${join(home, 'db', 'rally.sqlite')}\n`);
    expect(join(home, 'db', 'rally.sqlite').startsWith('/')).toBe(true);
    expect(existsSync(join(home, 'db', 'rally.sqlite'))).toBe(true);
    expect((await prepareRallyEnv({ home, dbPath: join(home, 'db', 'rally.sqlite') }, deps)).created).toBe(false);
  });

  it('passes a task whose SLA holds, with Rally\'s cases', async () => {
    const lines: string[] = [];
    const workDir = join(home, 'reports');
    const before = Date.now();
    const result = await timed('pass.yaml: start + sla-check + export', () =>
      runRally({ taskFile: task('pass.yaml'), configFile, home, workDir, timeoutMs: 120_000, onLine: (_, line) => lines.push(line) }, deps),
    );
    expect(result.verify).toMatchObject({ failed: false, exitCode: 0, shortMessage: 'passed', timedOut: false });
    expect(result.taskId).toMatch(uuid);
    expect(lines).toContain(`Task  ${result.taskId}: started`);
    expect(result.slaFailures).toEqual([]);
    expect(result.externalCases).toEqual([
      { suite: 'rally', className: 'Dummy', name: 'dummy', timeSeconds: expect.any(Number) as number, start: { at: expect.any(Number) as number, precisionMs: 1000, from: 'testcase' } },
    ]);
    // Rally's case timestamp is local time in whole seconds: the case started within this test.
    const startedAt = result.externalCases[0]?.start?.at ?? 0;
    expect(startedAt).toBeGreaterThanOrEqual(before - 1000);
    expect(startedAt).toBeLessThanOrEqual(Date.now());
    expect(result.junitFile).toBe(join(workDir, `rally-${result.taskId}-junit.xml`));
    expect(existsSync(result.junitFile ?? '')).toBe(true);
  }, 120_000);

  it('fails a task whose SLA fails, with the failed criterion and a failed Rally case', async () => {
    const result = await timed('sla-fail.yaml: start + sla-check + export', () =>
      runRally({ taskFile: task('sla-fail.yaml'), configFile, home, workDir: join(home, 'reports'), timeoutMs: 120_000 }, deps),
    );
    expect(result.verify).toMatchObject({ failed: true, exitCode: 2 });
    expect(result.slaFailures).toEqual([
      { criterion: 'failure_rate', detail: 'Dummy.dummy_random_fail_in_atomic: Failure rate criteria 0.00% <= 100.00% <= 0.00% - Failed' },
    ]);
    expect(result.verify.shortMessage).toBe('Rally SLA failed: failure_rate: Dummy.dummy_random_fail_in_atomic: Failure rate criteria 0.00% <= 100.00% <= 0.00% - Failed');
    expect(result.externalCases).toHaveLength(1);
    expect(result.externalCases[0]).toMatchObject({ suite: 'rally', name: 'dummy_random_fail_in_atomic', failure: 'Failure rate criteria 0.00% <= 100.00% <= 0.00% - Failed' });
    const xml = toJUnitXml({ ...sampleReport(), verification: result.verify, externalCases: result.externalCases });
    expect(await wasmSchemaErrors(xml)).toEqual([]);
  }, 120_000);

  it('fails an invalid task file without a task UUID', async () => {
    const result = await timed('invalid.yaml', () => runRally({ taskFile: task('invalid.yaml'), configFile, home, workDir: join(home, 'reports') }, deps));
    expect(result.verify.failed).toBe(true);
    expect(result.taskId).toBeUndefined();
    expect(result.verify.shortMessage).toMatch(/^rally task start exited with code \d+/);
    expect(result.externalCases).toEqual([]);
  }, 60_000);

  it('fails on an unknown deployment', async () => {
    const result = await timed('unknown deployment', () =>
      runRally({ taskFile: task('pass.yaml'), configFile, home, workDir: join(home, 'reports'), deployment: 'kcm-no-such-env' }, deps),
    );
    expect(result.verify.failed).toBe(true);
    expect(result.verify.stdoutTail + result.verify.stderrTail).toContain('kcm-no-such-env');
  }, 60_000);

  it('times out a slow task and stops there', async () => {
    const result = await timed('slow.yaml with a 6 s timeout', () =>
      runRally({ taskFile: task('slow.yaml'), configFile, home, workDir: join(home, 'reports'), timeoutMs: 6_000, killAfterMs: 2_000 }, deps),
    );
    expect(result.verify).toMatchObject({ failed: true, timedOut: true });
    expect(result.verify.shortMessage).toMatch(/^timed out after 6s/);
    expect(result.externalCases).toEqual([]);
    expect(result.verify.durationMs).toBeLessThan(15_000);
  }, 60_000);

  it('cancels a running task on abort', async () => {
    const controller = new AbortController();
    const result = await timed('slow.yaml cancelled once started', () =>
      runRally(
        { taskFile: task('slow.yaml'), configFile, home, workDir: join(home, 'reports'), killAfterMs: 2_000, onLine: (_, line) => line.includes(': started') && controller.abort() },
        deps,
        { signal: controller.signal },
      ),
    );
    expect(result.verify).toMatchObject({ failed: true, cancelled: true });
    expect(result.taskId).toMatch(uuid);
    expect(result.externalCases).toEqual([]);
    expect(result.verify.durationMs).toBeLessThan(15_000);
  }, 60_000);
});
