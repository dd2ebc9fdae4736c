import { describe, expect, it } from 'vitest';
import { parseCommandLine } from '../../src/cli/main.js';
import { parseRunFlags } from '../../src/cli/run-options.js';

const runFlags = async (argv: string[]) => parseRunFlags((await parseCommandLine(['run', ...argv])).flags);

describe('run flags given more than once', () => {
  it('list flags keep every value; single-valued flags keep the last (a template default, then the user)', async () => {
    const flags = await runFlags([
      '--cookie', 'a', '--cookie', 'b',
      '--check', 'deployment/ns/x', '--check', 'ns',
      '--helm-release', 'r1', '--helm-release', 'ns/r2',
      '--ready-timeout', '5m', '--ready-timeout', '30s',
      '--seed', '1', '--seed', '2',
      '--', 'echo', 'a', 'b',
    ]);
    expect(flags).toMatchObject({ cookie: ['a', 'b'], check: ['deployment/ns/x', 'ns'], 'helm-release': ['r1', 'ns/r2'], 'ready-timeout': 30_000, seed: 2 });
    expect(flags.command).toEqual(['echo', 'a', 'b']);
  });

  it('the last value is still validated: a bad last value is a usage error naming the flag', async () => {
    await expect(runFlags(['--ready-timeout', '5m', '--ready-timeout', 'soon'])).rejects.toThrow(/^--ready-timeout: expected a duration like "5m", got "soon"$/);
  });
});
