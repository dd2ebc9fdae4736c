import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCompositeAction } from './action-runner.js';
import { loadCliParser, packageVersion, readArgs, scratchDir, splitNpxArgs, stubNpx, templatesDir } from './helpers.js';

const actionPath = join(templatesDir, 'github/action.yml');
const cli = await loadCliParser();

describe('the action’s run step, with npx stubbed (what the shell hands to cookiemonster)', () => {
  let dir: string;
  let stubPath: string;
  let argsFile: string;
  beforeAll(async () => {
    dir = await scratchDir('gha');
    stubPath = await stubNpx(dir);
    argsFile = join(dir, 'args');
    await mkdir(join(dir, 'work'), { recursive: true });
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const runAction = (inputs: Record<string, string>, env: Record<string, string> = {}) =>
    runCompositeAction(actionPath, {
      with: inputs,
      workspace: join(dir, 'work'),
      temp: dir,
      env: { PATH: `${stubPath}:${process.env['PATH'] ?? ''}`, KCM_STUB_ARGS: argsFile, ...env },
    });

  it('maps the example inputs to flags, one list item per repeated flag, the command after --shell --', async () => {
    const result = await runAction(
      { cookie: 'keystone-cookie, nova-cookie\nglance-cookie', 'max-recovery': '60s', 'chaos-duration': '10m', 'dry-run': 'true', 'verify-command': 'npm test -- --grep "api"' },
      { KCM_STUB_OUTPUTS: 'exit-code<<X\n0\nX' },
    );
    expect(result.code).toBe(0);
    const { npxFlags, packageSpec, cli: argv } = splitNpxArgs(readArgs(argsFile));
    expect(npxFlags).toEqual(['--yes']);
    expect(packageSpec).toBe(`kube-cookiemonster@${packageVersion}`);
    expect(argv).toEqual([
      'run', '--ci', 'github',
      '--cookie', 'keystone-cookie', '--cookie', 'nova-cookie', '--cookie', 'glance-cookie',
      '--chaos-duration', '10m', '--max-recovery', '60s', '--mode', 'delete', '--dry-run',
      '--junit', 'reports/cookiemonster-junit.xml', '--kill-log', 'reports/cookiemonster-kills.jsonl', '--html', 'reports/cookiemonster-report.html', '--log-format', 'text',
      '--shell', '--', 'npm test -- --grep "api"',
    ]);
  });

  it('passes shell metacharacters in inputs through as data, never as code', async () => {
    const marker = join(dir, 'pwned');
    const result = await runAction({ cookie: `$(touch$\{IFS}${marker})`, 'verify-command': `echo ok; touch ${marker}`, seed: '`touch x`' });
    expect(result.code).toBe(0);
    expect(existsSync(marker)).toBe(false);
    const argv = splitNpxArgs(readArgs(argsFile)).cli;
    expect(argv).toContain(`$(touch$\{IFS}${marker})`);
    expect(argv).toContain('`touch x`');
    expect(argv.slice(-3)).toEqual(['--shell', '--', `echo ok; touch ${marker}`]);
  });

  it('a folder or tarball in `package` replaces the registry spec', async () => {
    await runAction({ package: '/src/kube-cookiemonster', version: '9.9.9', 'chaos-duration': '1m' });
    expect(splitNpxArgs(readArgs(argsFile)).packageSpec).toBe('/src/kube-cookiemonster');
    await runAction({ version: '9.9.9', 'chaos-duration': '1m' });
    expect(splitNpxArgs(readArgs(argsFile)).packageSpec).toBe('kube-cookiemonster@9.9.9');
  });

  it('sets every output and keeps the exit code when cookiemonster stops before writing them', async () => {
    const result = await runAction({ 'chaos-duration': '1m', junit: 'out/j.xml' }, { KCM_STUB_EXIT: '3' });
    expect(result.code).toBe(3);
    expect(result.outputs).toEqual({
      junit: join(dir, 'work', 'out/j.xml'),
      'kill-log': join(dir, 'work', 'reports/cookiemonster-kills.jsonl'),
      html: join(dir, 'work', 'reports/cookiemonster-report.html'),
      kills: '0',
      verdict: 'deploy-failed',
      'exit-code': '3',
    });
  });

  it('does not overwrite the outputs cookiemonster wrote itself', async () => {
    const written = ['junit<<D', '/j.xml', 'D', 'kill-log<<D', '/k.jsonl', 'D', 'html<<D', '/r.html', 'D', 'kills<<D', '5', 'D', 'verdict<<D', 'chaos-failed', 'D', 'exit-code<<D', '4', 'D'].join('\n');
    const result = await runAction({ 'chaos-duration': '1m' }, { KCM_STUB_EXIT: '4', KCM_STUB_OUTPUTS: written });
    expect(result.code).toBe(4);
    expect(result.outputs).toEqual({ junit: '/j.xml', 'kill-log': '/k.jsonl', html: '/r.html', kills: '5', verdict: 'chaos-failed', 'exit-code': '4' });
  });

  it("fail-on-error: 'false' keeps the step green and still reports the exit code", async () => {
    const result = await runAction({ 'chaos-duration': '1m', 'fail-on-error': 'false' }, { KCM_STUB_EXIT: '1' });
    expect(result.code).toBe(0);
    expect(result.outputs['exit-code']).toBe('1');
    expect(result.outputs['verdict']).toBe('error');
  });

  it('a bad boolean input is a usage error (exit 2) with an annotation, outputs still set, npx never run', async () => {
    await rm(argsFile, { force: true });
    const result = await runAction({ 'dry-run': 'yes' });
    expect(result.code).toBe(2);
    expect(result.stdout).toContain("::error title=kube-cookiemonster::input dry-run: expected 'true' or 'false', got 'yes'");
    expect(result.outputs['verdict']).toBe('config-error');
    expect(result.outputs['exit-code']).toBe('2');
    expect(existsSync(argsFile)).toBe(false);
  });

  it('every input maps to a flag our own yargs definition accepts', async () => {
    const all: Record<string, string> = {
      kubeconfig: 'kube.yaml', context: 'ctx', cookies: 'cookies.d', cookie: 'a b', check: 'deployment/openstack/keystone openstack',
      'helm-release': 'openstack/openstack', 'ready-timeout': '5m', 'skip-deploy-check': 'true', 'chaos-duration': '10m',
      'max-recovery': '60s', 'recovery-timeout': '2m', mode: 'evict', 'grace-period': '0', 'allow-kube-system': 'true',
      'dry-run': 'true', seed: '42', 'verify-timeout': '30m', 'verify-junit': 'tests.xml', 'rally-task': 'task.yaml',
      'rally-config': 'rally.conf', 'rally-deployment': 'local', junit: 'j.xml', 'kill-log': 'k.jsonl', html: 'r.html', 'log-format': 'legacy',
      args: '--color', 'verify-command': '',
    };
    expect((await runAction(all)).code).toBe(0);
    const argv = splitNpxArgs(readArgs(argsFile)).cli;
    const parsed = await cli.parse(argv);
    expect(parsed.command).toBe('run');
    expect(() => cli.validateRun(parsed.flags)).not.toThrow();
    expect(parsed.flags).toMatchObject({ cookie: ['a', 'b'], check: ['deployment/openstack/keystone', 'openstack'], mode: 'evict', seed: 42, rally: 'task.yaml', ci: 'github', color: true });
    await runAction({ 'verify-command': 'npm test', 'max-recovery': '60s' });
    const withCommand = await cli.parse(splitNpxArgs(readArgs(argsFile)).cli);
    expect(withCommand.flags['--']).toEqual(['npm test']);
    expect(withCommand.flags['shell']).toBe(true);
  });
});
