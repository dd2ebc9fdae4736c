import { existsSync } from 'node:fs';
import { chmod, cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCompositeAction } from './action-runner.js';
import { gitlabCiLocal, scratchGitRepo } from './gitlab-local.js';
import { readTemplate, requireDistBin, repoRoot, run, scratchDir, templatesDir } from './helpers.js';
import { shellSteps } from './jenkins-lint.js';
import { startSampleCluster, type SampleCluster } from './sample-cluster.js';

/** The real thing: the built CLI (npx on this repository's folder) against the loopback fake API server. */
const cookieFlags = ['--cookies', join(repoRoot, 'cookies.d'), '--cookie', 'openstack-random-deployment', '--chaos-duration', '3s', '--max-recovery', '30s', '--seed', '7'];

describe('templates end to end: built CLI, fake API server', () => {
  let dir: string;
  let cluster: SampleCluster;
  beforeAll(async () => {
    requireDistBin();
    dir = await scratchDir('e2e');
    cluster = await startSampleCluster(dir);
  });
  afterAll(async () => {
    await cluster?.close();
    await rm(dir, { recursive: true, force: true });
  });

  describe('GitHub action', () => {
    const runAction = async (verifyCommand: string) => {
      const workspace = join(dir, `gha-${verifyCommand.length}`);
      await mkdir(workspace, { recursive: true });
      return runCompositeAction(join(templatesDir, 'github/action.yml'), {
        workspace,
        temp: workspace,
        with: {
          package: repoRoot,
          kubeconfig: cluster.kubeconfigPath,
          cookies: join(repoRoot, 'cookies.d'),
          cookie: 'openstack-random-deployment',
          'chaos-duration': '3s',
          'max-recovery': '30s',
          seed: '7',
          'verify-command': verifyCommand,
        },
      });
    };

    it('passes: exit 0, every output set by cookiemonster itself, the JUnit file written, the job summary filled', async () => {
      const result = await runAction('sleep 1');
      expect(result.stderr).not.toMatch(/cookiemonster: /);
      expect(result.code).toBe(0);
      expect(result.outputs).toMatchObject({ verdict: 'passed', 'exit-code': '0' });
      expect(result.outputs['kills']).toMatch(/^\d+$/);
      expect(existsSync(result.outputs['junit'] ?? '')).toBe(true);
      expect(existsSync(result.outputs['kill-log'] ?? '')).toBe(true);
      expect(result.stdout).toMatch(/^::group::/m);
      expect(result.summary).toMatch(/^## ✅ Chaos test passed \(exit 0\)/);
    }, 90_000);

    it('a failing verification command fails the step with exit 1, after setting the outputs', async () => {
      const result = await runAction('echo broken >&2; exit 3');
      expect(result.code).toBe(1);
      expect(result.outputs).toMatchObject({ verdict: 'verify-failed', 'exit-code': '1' });
      expect(await readFile(result.outputs['junit'] ?? '', 'utf8')).toMatch(/<failure/);
      expect(result.stdout).toMatch(/^::error title=/m);
    }, 90_000);
  });

  describe('GitLab template under gitlab-ci-local', () => {
    let repo: string;
    beforeAll(async () => {
      const include = (verify: string) =>
        [
          'include:',
          '  - local: ci-templates/gitlab/cookiemonster.gitlab-ci.yml',
          '    inputs:',
          `      package: ${repoRoot}`,
          `      args: --kubeconfig ${cluster.kubeconfigPath} ${cookieFlags.join(' ')}`,
          `      verify-command: ${JSON.stringify(verify)}`,
          '',
        ].join('\n');
      repo = await scratchGitRepo({
        'ci-templates/gitlab/cookiemonster.gitlab-ci.yml': readTemplate('gitlab/cookiemonster.gitlab-ci.yml'),
        'pass.gitlab-ci.yml': include('sleep 1'),
        'fail.gitlab-ci.yml': include('exit 3'),
      });
    });

    // The ready job names an image; without Docker here, --force-shell-executor runs it in the local shell.
    const runJob = (file: string) => gitlabCiLocal(repo, ['--file', file, '--shell-executor-no-image', '--force-shell-executor', 'cookiemonster']);
    const artifact = () => join(repo, '.gitlab-ci-local/artifacts/cookiemonster/reports/cookiemonster-junit.xml');

    it('passes, with GitLab sections in the log and the JUnit artifact', async () => {
      const result = await runJob('pass.gitlab-ci.yml');
      expect(result.stdout + result.stderr).toMatch(/PASS\s+cookiemonster/);
      expect(result.code).toBe(0);
      // gitlab-ci-local parses our section_start/section_end markers and prints each as "<name> took <ms>".
      expect(result.stdout).toMatch(/deploy-check took \d+ms/);
      expect(result.stdout).toMatch(/verification took \d+ms/);
      expect(existsSync(artifact())).toBe(true);
    }, 90_000);

    it('fails with exit 1 and still keeps the JUnit artifact', async () => {
      await rm(artifact(), { force: true });
      const result = await runJob('fail.gitlab-ci.yml');
      expect(result.stdout + result.stderr).toMatch(/FAIL 1/);
      expect(result.code).not.toBe(0);
      expect(existsSync(artifact())).toBe(true);
    }, 90_000);
  });

  describe('Jenkinsfile sh step', () => {
    it('runs under /bin/sh -e in a workspace with cookies.d and run-tests.sh: exit 0 and the JUnit report', async () => {
      const workspace = join(dir, 'jenkins');
      await mkdir(workspace, { recursive: true });
      await cp(join(repoRoot, 'cookies.d'), join(workspace, 'cookies.d'), { recursive: true });
      await writeFile(join(workspace, 'run-tests.sh'), '#!/bin/sh\nsleep 1\n');
      await chmod(join(workspace, 'run-tests.sh'), 0o755);
      const step = shellSteps(readTemplate('jenkins/Jenkinsfile')).find((s) => s.script.includes('npx'))!;
      const result = await run('/bin/sh', ['-e', '-c', step.script], {
        cwd: workspace,
        env: { PATH: process.env['PATH'], HOME: process.env['HOME'], KCM_PACKAGE: repoRoot, KUBECONFIG: cluster.kubeconfigPath, BUILD_NUMBER: '1', JENKINS_URL: 'http://jenkins.invalid/' },
        timeoutMs: 90_000,
      });
      expect(result.stderr).not.toMatch(/cookiemonster: /);
      expect(result.code).toBe(0);
      expect(existsSync(join(workspace, 'reports/cookiemonster-junit.xml'))).toBe(true);
      expect(result.stdout).not.toMatch(/::group::|section_start/);
    }, 90_000);
  });
});
