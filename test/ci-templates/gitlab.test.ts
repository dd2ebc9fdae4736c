import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { gitlabHeaderProblems, gitlabSchemaErrors, includeInputProblems } from './gitlab-lint.js';
import { gitlabCiLocal, scratchGitRepo } from './gitlab-local.js';
import { loadCliParser, packageVersion, readArgs, readTemplate, run, scratchDir, splitNpxArgs, stubNpx } from './helpers.js';

const flavours = {
  inputs: 'gitlab/cookiemonster.gitlab-ci.yml',
  variables: 'gitlab/cookiemonster-variables.gitlab-ci.yml',
} as const;
const inputsTemplate = readTemplate(flavours.inputs);
const variablesTemplate = readTemplate(flavours.variables);
const example = readTemplate('gitlab/example.gitlab-ci.yml');
const cli = await loadCliParser();

interface Job {
  variables?: Record<string, string>;
  script: string[];
  artifacts: unknown;
}

function body(content: string): Record<string, Job> {
  const docs = parseAllDocuments(content);
  if (!Array.isArray(docs)) throw new Error('not a YAML stream');
  return docs[docs.length - 1]!.toJS() as Record<string, Job>;
}

describe('GitLab templates against the CI schema (SchemaStore, ajv)', () => {
  it.each(Object.entries(flavours))('%s flavour: zero errors, hidden job included', (_name, path) => {
    expect(gitlabSchemaErrors(readTemplate(path))).toEqual([]);
  });

  it('the example pipeline: zero errors', () => {
    expect(gitlabSchemaErrors(example)).toEqual([]);
  });

  it('the example passes only inputs the template declares', () => {
    expect(includeInputProblems(example, { 'ci-templates/gitlab/cookiemonster.gitlab-ci.yml': inputsTemplate })).toEqual([]);
    expect(includeInputProblems(example.replace('      verify-command:', '      verify-comand:'), { 'ci-templates/gitlab/cookiemonster.gitlab-ci.yml': inputsTemplate })).toEqual([
      'include ci-templates/gitlab/cookiemonster.gitlab-ci.yml: unknown input "verify-comand"',
    ]);
  });

  it('catches a misspelt key, in the hidden job too, and a bad enum value', () => {
    expect(gitlabSchemaErrors(variablesTemplate.replace('  artifacts:', '  artifactz:'))).toEqual(
      expect.arrayContaining(['document 1 (hidden jobs as jobs): /hidden.cookiemonster must NOT have additional properties']),
    );
    expect(gitlabSchemaErrors(inputsTemplate.replace('    when: always', '    when: allways')).join('\n')).toMatch(/document 2 \(hidden jobs as jobs\): \/hidden.cookiemonster\/artifacts\/when must be equal to one of the allowed values/);
    expect(gitlabSchemaErrors(example.replace('  stage: deploy', '  stgae: deploy')).join('\n')).toMatch(/\/deploy must NOT have additional properties/);
  });
});

describe('the spec:inputs header', () => {
  it('declares only known keys, and every interpolation matches a declared input', () => {
    expect(gitlabHeaderProblems(inputsTemplate)).toEqual([]);
    expect(gitlabHeaderProblems(variablesTemplate)).toEqual([]);
  });

  it('catches a misspelt key and a misspelt interpolation', () => {
    expect(gitlabHeaderProblems(inputsTemplate.replace('      default: test', '      defualt: test'))).toEqual(['header: input "stage" has unknown key "defualt"']);
    expect(gitlabHeaderProblems(inputsTemplate.replace('$[[ inputs.stage ]]', '$[[ inputs.stag ]]'))).toEqual(['body uses undeclared input "stag"', 'input "stage" is declared but never used']);
  });
});

describe('both flavours', () => {
  it('share one hidden job: same script and artifacts', () => {
    const a = body(inputsTemplate)['.cookiemonster']!;
    const b = body(variablesTemplate)['.cookiemonster']!;
    expect(a.script).toEqual(b.script);
    expect(a.artifacts).toEqual(b.artifacts);
    expect(Object.keys(a.variables ?? {})).toEqual(Object.keys(b.variables ?? {}));
    expect(a.script).toHaveLength(1);
  });

  it('pin the package version this repository builds', () => {
    expect(inputsTemplate).toContain(`      default: kube-cookiemonster@${packageVersion}\n`);
    expect(variablesTemplate).toContain(`    KCM_PACKAGE: kube-cookiemonster@${packageVersion}\n`);
  });
});

describe('the npx line under bash and dash, npx stubbed', () => {
  let dir: string;
  let stubPath: string;
  const script = body(variablesTemplate)['.cookiemonster']!.script[0]!;
  beforeAll(async () => {
    dir = await scratchDir('gitlab-sh');
    stubPath = await stubNpx(dir);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const argvUnder = async (shell: string, vars: Record<string, string>): Promise<string[]> => {
    const argsFile = join(dir, `args-${shell}`);
    const result = await run(shell, ['-c', script], { cwd: dir, env: { PATH: `${stubPath}:${process.env['PATH'] ?? ''}`, KCM_STUB_ARGS: argsFile, ...vars } });
    expect(result.code).toBe(0);
    return readArgs(argsFile);
  };

  it.each(['bash', 'sh'])('%s: word-splits KCM_ARGS, keeps the verification command one argument', async (shell) => {
    const argv = await argvUnder(shell, { KCM_PACKAGE: 'kube-cookiemonster@1.2.3', KCM_ARGS: '--cookie a  --max-recovery 60s', KCM_VERIFY_COMMAND: 'rally task start "my task.yaml"' });
    expect(splitNpxArgs(argv)).toEqual({
      npxFlags: ['--yes'],
      packageSpec: 'kube-cookiemonster@1.2.3',
      cli: ['run', '--ci', 'gitlab', '--junit', 'reports/cookiemonster-junit.xml', '--kill-log', 'reports/cookiemonster-kills.jsonl', '--html', 'reports/cookiemonster-report.html', '--cookie', 'a', '--max-recovery', '60s', '--shell', '--', 'rally task start "my task.yaml"'],
    });
  });

  it.each(['bash', 'sh'])('%s: no verification command → no --shell and no --', async (shell) => {
    const argv = await argvUnder(shell, { KCM_PACKAGE: 'p', KCM_ARGS: '--rally task.yaml', KCM_VERIFY_COMMAND: '' });
    expect(splitNpxArgs(argv).cli.slice(-3)).toEqual(['reports/cookiemonster-report.html', '--rally', 'task.yaml']);
  });

  it('the lines of the templates and the example parse with our own yargs definition', async () => {
    const cases = [
      { KCM_PACKAGE: 'p', KCM_ARGS: '--cookies cookies.d --cookie openstack-random-deployment --max-recovery 60s --chaos-duration 10m', KCM_VERIFY_COMMAND: './run-tests.sh' },
      { KCM_PACKAGE: 'p', KCM_ARGS: body(example)['chaos-dry-run']!.variables!['KCM_ARGS']!, KCM_VERIFY_COMMAND: '' },
    ];
    for (const vars of cases) {
      const parsed = await cli.parse(splitNpxArgs(await argvUnder('bash', vars)).cli);
      expect(parsed.command).toBe('run');
      expect(() => cli.validateRun(parsed.flags)).not.toThrow();
      expect(parsed.flags['ci']).toBe('gitlab');
    }
  });
});

describe('gitlab-ci-local 4.70.1 (shell executor, no Docker)', () => {
  let repo: string;
  let stubPath: string;
  beforeAll(async () => {
    repo = await scratchGitRepo({
      'ci-templates/gitlab/cookiemonster.gitlab-ci.yml': inputsTemplate,
      'ci-templates/gitlab/cookiemonster-variables.gitlab-ci.yml': variablesTemplate,
      '.gitlab-ci.yml': example,
      'ci-templates/gitlab/broken.gitlab-ci.yml': inputsTemplate.replace('$[[ inputs.stage ]]', '$[[ inputs.stag ]]'),
      'broken.gitlab-ci.yml': example.replace('ci-templates/gitlab/cookiemonster.gitlab-ci.yml', 'ci-templates/gitlab/broken.gitlab-ci.yml'),
      'variables.gitlab-ci.yml': [
        'include:',
        '  - local: ci-templates/gitlab/cookiemonster-variables.gitlab-ci.yml',
        'chaos:',
        '  extends: .cookiemonster',
        '  variables:',
        '    KCM_ARGS: --chaos-duration 1m --seed 1',
        '    KCM_VERIFY_COMMAND: sleep 0',
        '',
      ].join('\n'),
    });
    stubPath = await stubNpx(repo);
  });
  afterAll(async () => {
    await rm(repo, { recursive: true, force: true });
  });

  it('expands the example with the include and its inputs, and validates it with its newer schema', async () => {
    const result = await gitlabCiLocal(repo, ['--preview']);
    expect(result.stderr + result.stdout).not.toMatch(/invalid/i);
    expect(result.code).toBe(0);
    const expanded = body(result.stdout.slice(result.stdout.indexOf('---')));
    expect(expanded['cookiemonster']!.variables).toEqual({
      KCM_PACKAGE: `kube-cookiemonster@${packageVersion}`,
      KCM_ARGS: '--cookies cookies.d --cookie openstack-random-deployment --max-recovery 60s --chaos-duration 10m',
      KCM_VERIFY_COMMAND: './run-tests.sh',
    });
    expect(expanded['chaos-dry-run']!.script).toEqual(expanded['cookiemonster']!.script);
  });

  it('rejects an interpolation of an undeclared input', async () => {
    const result = await gitlabCiLocal(repo, ['--preview', '--file', 'broken.gitlab-ci.yml']);
    expect(result.stdout + result.stderr).toMatch(/unknown interpolation key: `stag`/);
    expect(result.stdout).not.toMatch(/^cookiemonster:/m);
  });

  it('runs the hidden job extended as a no-image job: exit status of the step, JUnit artifact kept even on failure', async () => {
    const env = { PATH: `${stubPath}:${process.env['PATH'] ?? ''}`, KCM_STUB_ARGS: join(repo, 'args'), KCM_STUB_JUNIT: 'reports/cookiemonster-junit.xml' };
    const artifact = join(repo, '.gitlab-ci-local/artifacts/chaos/reports/cookiemonster-junit.xml');
    const passed = await gitlabCiLocal(repo, ['--file', 'variables.gitlab-ci.yml', '--shell-executor-no-image', 'chaos'], env);
    expect(passed.stdout + passed.stderr).toMatch(/PASS\s+chaos/);
    expect(passed.code).toBe(0);
    expect(existsSync(artifact)).toBe(true);
    expect(splitNpxArgs(readArgs(join(repo, 'args'))).cli).toEqual([
      'run', '--ci', 'gitlab', '--junit', 'reports/cookiemonster-junit.xml', '--kill-log', 'reports/cookiemonster-kills.jsonl', '--html', 'reports/cookiemonster-report.html', '--chaos-duration', '1m', '--seed', '1', '--shell', '--', 'sleep 0',
    ]);
    await rm(artifact);
    const failed = await gitlabCiLocal(repo, ['--file', 'variables.gitlab-ci.yml', '--shell-executor-no-image', 'chaos'], { ...env, KCM_STUB_EXIT: '4' });
    expect(failed.stdout + failed.stderr).toMatch(/FAIL 4/);
    expect(failed.code).not.toBe(0);
    expect(existsSync(artifact)).toBe(true);
  });
});
