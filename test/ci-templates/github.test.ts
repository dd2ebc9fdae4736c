import { describe, expect, it } from 'vitest';
import { packageVersion, readTemplate } from './helpers.js';
import { actionValidatorErrors, crossCheckAction, workflowParserErrors } from './github-lint.js';

const action = readTemplate('github/action.yml');
const workflow = readTemplate('github/example-workflow.yml');

describe('GitHub templates pass GitHub’s own parser', () => {
  it('action.yml: zero errors', async () => {
    expect(await workflowParserErrors('action', 'action.yml', action)).toEqual([]);
  });

  it('example-workflow.yml: zero errors, including the semantic conversion', async () => {
    expect(await workflowParserErrors('workflow', 'example-workflow.yml', workflow)).toEqual([]);
  });

  it('catches a misspelt key in a broken copy of each', async () => {
    const brokenAction = action.replace('      shell: bash', '      shel: bash');
    const brokenWorkflow = workflow.replace('    runs-on: ubuntu-latest', '    runs-onn: ubuntu-latest');
    expect(brokenAction).not.toBe(action);
    expect(brokenWorkflow).not.toBe(workflow);
    expect(await workflowParserErrors('action', 'action.yml', brokenAction)).toEqual(expect.arrayContaining([expect.stringMatching(/Unexpected value 'shel'/)]));
    expect(await workflowParserErrors('workflow', 'w.yml', brokenWorkflow)).toEqual(expect.arrayContaining([expect.stringMatching(/Unexpected value 'runs-onn'/)]));
  });

  it('catches a broken expression', async () => {
    const broken = workflow.replace("if: always()\n        uses: actions/upload-artifact", "if: always(\n        uses: actions/upload-artifact");
    expect(broken).not.toBe(workflow);
    expect((await workflowParserErrors('workflow', 'w.yml', broken)).length).toBeGreaterThan(0);
  });
});

describe('GitHub templates pass action-validator (SchemaStore schemas)', () => {
  it('zero errors for both files', () => {
    expect(actionValidatorErrors('action', action)).toEqual([]);
    expect(actionValidatorErrors('workflow', workflow)).toEqual([]);
  });

  it('catches a misspelt key in a broken copy of each', () => {
    expect(actionValidatorErrors('action', action.replace('      shell: bash', '      shel: bash')).join('\n')).toMatch(/Additional property 'shel' is not allowed/);
    expect(actionValidatorErrors('workflow', workflow.replace('    runs-on:', '    runs-onn:')).join('\n')).toMatch(/Additional property 'runs-onn' is not allowed/);
  });
});

describe('inputs and outputs line up', () => {
  it('every input is declared and used, outputs come from the run step, the workflow uses only declared names', () => {
    expect(crossCheckAction(action, workflow)).toEqual([]);
  });

  it('catches a misspelt input reference, a misspelt output and an unknown workflow input', () => {
    expect(crossCheckAction(action.replace('${{ inputs.seed }}', '${{ inputs.sed }}'))).toEqual([
      'action.yml uses undeclared input "sed"',
      'action.yml declares input "seed" but never uses it',
    ]);
    expect(crossCheckAction(action.replace('steps.chaos.outputs.verdict', 'steps.chaos.outputs.verdikt'))).toEqual(['action output "verdict" reads step output "verdikt"']);
    expect(crossCheckAction(action, workflow.replace('max-recovery: 60s', 'max-recoveryy: 60s'))).toEqual(['workflow passes undeclared input "max-recoveryy"']);
    expect(crossCheckAction(action, workflow.replace('steps.chaos.outputs.kill-log', 'steps.chaos.outputs.killlog'))).toEqual(['workflow reads undeclared output "killlog"']);
  });

  it('pins the package version this repository builds', () => {
    expect(action).toContain(`  version:\n    description: kube-cookiemonster version to run with npx.\n    default: '${packageVersion}'`);
  });
});
