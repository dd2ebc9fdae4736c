import { copyFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCliParser, packageVersion, readArgs, readTemplate, run, scratchDir, splitNpxArgs, stubNpx, templatesDir } from './helpers.js';
import { declarativeProblems, groovyLint, pipelineEnvironment, shellSteps } from './jenkins-lint.js';

const jenkinsfiles = ['jenkins/Jenkinsfile', 'jenkins/Jenkinsfile.rally'] as const;
const cli = await loadCliParser();

describe('npm-groovy-lint (CodeNarc)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await scratchDir('groovy');
    for (const file of jenkinsfiles) await copyFile(join(templatesDir, file), join(dir, file.replace('/', '-')));
    await writeFile(join(dir, 'broken-Jenkinsfile'), readTemplate('jenkins/Jenkinsfile').replace('    stages {', '    stages {{'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('finds no error in either Jenkinsfile', async () => {
    const result = await groovyLint(jenkinsfiles.map((f) => f.replace('/', '-')), dir);
    expect(result.stdout).toMatch(/2 linted files/);
    expect(result.stdout).not.toMatch(/\berror\b/);
    expect(result.code).toBe(0);
  }, 60_000);

  it('fails on a broken copy', async () => {
    const result = await groovyLint(['broken-Jenkinsfile'], dir);
    expect(result.stdout).toMatch(/error\s+Unexpected input: '\{'/);
    expect(result.code).toBe(1);
  }, 60_000);
});

describe.each(jenkinsfiles)('%s', (file) => {
  const content = readTemplate(file);

  it('is a well-formed declarative pipeline', () => {
    expect(declarativeProblems(content)).toEqual([]);
  });

  it('catches misspelt directives that are still valid Groovy', () => {
    expect(declarativeProblems(content.replace('    agent any', '    agnet any'))).toEqual(['line 5: "agnet" is not a pipeline directive', 'line 4: pipeline has no agent']);
    expect(declarativeProblems(content.replace('            steps {', '            stepz {'))).toEqual(
      expect.arrayContaining([expect.stringMatching(/"stepz" is not a stage directive/)]),
    );
    expect(declarativeProblems(content.replace('        always {', '        allways {'))).toEqual([expect.stringMatching(/"allways" is not a post directive/)]);
  });

  it('publishes JUnit and archives the reports in post { always }, with a timeout and ANSI colour', () => {
    const always = content.slice(content.indexOf('    post {'));
    expect(always).toMatch(/always \{\s+junit testResults: 'reports\/cookiemonster-junit\.xml'/);
    expect(always).toMatch(/archiveArtifacts artifacts: 'reports\/cookiemonster-\*'/);
    expect(content).toMatch(/options \{\s+timeout\(time: \d+, unit: '(MINUTES|HOURS)'\)\s+ansiColor\('xterm'\)/);
  });

  it('runs one npx cookiemonster step, inside withCredentials, with the pinned version', () => {
    const steps = shellSteps(content).filter((s) => s.script.includes('npx'));
    expect(steps).toHaveLength(1);
    expect(steps[0]!.path).toContain('withCredentials');
    expect(pipelineEnvironment(content)['KCM_PACKAGE']).toBe(`kube-cookiemonster@${packageVersion}`);
  });

  describe('the sh step under /bin/sh -e, npx stubbed', () => {
    let dir: string;
    let stubPath: string;
    beforeAll(async () => {
      dir = await scratchDir('jenkins-sh');
      stubPath = await stubNpx(dir);
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    const argvOfStep = async (): Promise<string[]> => {
      const step = shellSteps(content).find((s) => s.script.includes('npx'))!;
      const argsFile = join(dir, 'args');
      const env = { PATH: `${stubPath}:${process.env['PATH'] ?? ''}`, KCM_STUB_ARGS: argsFile, KUBECONFIG: '/creds/kubeconfig', ...pipelineEnvironment(content) };
      const result = await run('/bin/sh', ['-e', '-c', step.script], { cwd: dir, env });
      expect(result.code).toBe(0);
      return readArgs(argsFile);
    };

    it('hands npx the package spec and a `run` invocation', async () => {
      const { npxFlags, packageSpec, cli: argv } = splitNpxArgs(await argvOfStep());
      expect(npxFlags).toEqual(['--yes']);
      expect(packageSpec).toBe(`kube-cookiemonster@${packageVersion}`);
      expect(argv[0]).toBe('run');
      expect(argv).toEqual(expect.arrayContaining(['--junit', 'reports/cookiemonster-junit.xml', '--kill-log', 'reports/cookiemonster-kills.jsonl']));
    });

    it('parses with our own yargs definition, no usage error', async () => {
      const parsed = await cli.parse(splitNpxArgs(await argvOfStep()).cli);
      expect(parsed.command).toBe('run');
      expect(() => cli.validateRun(parsed.flags)).not.toThrow();
    });
  });
});
