import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { moduleRecorder } from './helpers/loaded-modules.js';

/** The package's public surface, pinned: a change here is a change of the library API (CHANGELOG, semver). */
describe('export surface of the built package (dist/)', () => {
  it('dist/index.js exports the library API and nothing of the CLI', async () => {
    const index = (await import(resolve('dist/index.js'))) as Record<string, unknown>;
    expect(Object.keys(index).sort()).toEqual([
      'CookieError',
      'ExitCode',
      'commandVerification',
      'createKillLog',
      'describeError',
      'exitCodeForError',
      'findCookieRoot',
      'formatDuration',
      'isCookieError',
      'loadCookieFile',
      'loadCookies',
      'parseDuration',
      'runPipeline',
      'seededRng',
      'systemClock',
      'toJUnitXml',
      'version',
    ]);
    expect(index).not.toHaveProperty('main');
  });

  it('kube-cookiemonster/advanced exports the building blocks of a custom pipeline', async () => {
    const advanced = (await import(resolve('dist/advanced.js'))) as Record<string, unknown>;
    expect(Object.keys(advanced).sort()).toEqual([
      'accessNeeds',
      'checkAccess',
      'createAvailabilityLedger',
      'createCluster',
      'executePipeline',
      'pickVictims',
      'quorumOf',
      'runCommand',
      'safetyFloor',
      'selectCandidates',
      'startChaos',
      'startRun',
    ]);
  });

  it('package.json maps exactly these entry points', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { exports: Record<string, unknown> };
    expect(Object.keys(pkg.exports)).toEqual(['.', './advanced', './package.json']);
  });

  it('importing the library loads neither yargs nor @kubernetes/client-node', () => {
    const recorder = moduleRecorder();
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', `await import(${JSON.stringify(resolve('dist/index.js'))});`], {
      env: { ...process.env, ...recorder.env },
      encoding: 'utf8',
    });
    expect(result.status, result.stderr).toBe(0);
    const loaded = recorder.modules();
    expect(loaded.some((url) => url.endsWith('/dist/index.js'))).toBe(true);
    expect(loaded.filter((url) => url.includes('/node_modules/yargs') || url.includes('/node_modules/@kubernetes/client-node/'))).toEqual([]);
  });
});
