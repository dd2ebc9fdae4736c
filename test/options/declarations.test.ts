import { describe, expect, it } from 'vitest';
import { parseCommandLine } from '../../src/cli/main.js';
import { parseRunFlags } from '../../src/cli/run-options.js';
import { parseServeFlags } from '../../src/cli/serve-main.js';
import { camelCase, runOptionDeclarations, serveOptionDeclarations } from '../../src/options/declarations.js';
import { fromCamelCase, parseOptions } from '../../src/options/schema.js';

const libraryNames = Object.entries(runOptionDeclarations).filter(([, d]) => 'library' in d).map(([name]) => name);

describe('each option is declared once (src/options/declarations.ts)', () => {
  it('the CLI and the library get the same defaults from the one declaration', async () => {
    const cli = parseRunFlags((await parseCommandLine(['run'])).flags) as Record<string, unknown>;
    const library = parseOptions(runOptionDeclarations, fromCamelCase(runOptionDeclarations, {}, 'library'), 'field') as Record<string, unknown>;
    for (const name of libraryNames) expect(library[name], name).toEqual(cli[name]);
    expect(library['ready-timeout']).toBe(300_000);
    expect(library['kill-after']).toBe(10_000);
  });

  it('every run flag yargs knows is declared, and every declaration is a flag', async () => {
    const flags = (await parseCommandLine(['run'])).flags;
    const withDefaults = Object.entries(runOptionDeclarations).filter(([, d]) => 'default' in d).map(([name]) => name);
    for (const name of withDefaults) expect(flags, name).toHaveProperty(name);
    const parsed = await parseCommandLine(['run', ...Object.entries(runOptionDeclarations).flatMap(([name, d]) => (d.value.type === 'boolean' ? [`--${name}`] : []))]);
    for (const [name, d] of Object.entries(runOptionDeclarations)) if (d.value.type === 'boolean') expect(parsed.flags[name], name).toBe(true);
  });

  it('a library option is the camelCase of its flag and is parsed like the flag', async () => {
    const fromLibrary = parseOptions(runOptionDeclarations, fromCamelCase(runOptionDeclarations, { readyTimeout: '90s', helmRelease: ['openstack/nova'], maxRecovery: 2000, skipPreflight: true }, 'library'), 'field');
    const fromFlags = parseRunFlags((await parseCommandLine(['run', '--ready-timeout', '90s', '--helm-release', 'openstack/nova', '--max-recovery', '2s', '--skip-preflight'])).flags);
    for (const name of ['ready-timeout', 'helm-release', 'max-recovery', 'skip-preflight'] as const) expect(fromLibrary[name], name).toEqual(fromFlags[name]);
    expect(libraryNames.map(camelCase)).toEqual(expect.arrayContaining(['readyTimeout', 'helmRelease', 'chaosDuration', 'maxRecovery', 'recoveryTimeout', 'dryRun', 'seed', 'mode', 'allowKubeSystem', 'gracePeriod', 'concurrency']));
  });

  it('a problem names the flag for the CLI and the field for the library', async () => {
    await expect(async () => parseRunFlags((await parseCommandLine(['run', '--ready-timeout', 'soon'])).flags)).rejects.toThrow('--ready-timeout: expected a duration like "5m", got "soon"');
    expect(() => parseOptions(runOptionDeclarations, fromCamelCase(runOptionDeclarations, { readyTimeout: 'soon' }, 'library'), 'field')).toThrow('readyTimeout: expected a duration like "5m", got "soon"');
  });

  it('run and serve share the kill settings, with the same defaults', async () => {
    const run = parseRunFlags((await parseCommandLine(['run'])).flags) as Record<string, unknown>;
    const serve = parseServeFlags((await parseCommandLine(['serve'])).flags) as Record<string, unknown>;
    for (const name of ['mode', 'allow-kube-system', 'dry-run', 'exec-timeout', 'log-format', 'events'] as const) {
      expect(serveOptionDeclarations[name]).toBe(runOptionDeclarations[name]);
      expect(serve[name], name).toEqual(run[name]);
    }
  });
});
