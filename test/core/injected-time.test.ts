import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const core = resolve(import.meta.dirname, '../../src/core');

const realNow = /Date\.now\(\)/;
const realTimers = /\bset(?:Timeout|Interval|Immediate)\(/;
const realRandom = /Math\.random\(\)/;
const realUuid = /randomUUID|randomBytes|getRandomValues/;
const forbidden = [realNow, realTimers, realRandom, realUuid, /new Date\(\s*\)/, /performance\.now\(\)/, /from 'node:timers/];

/** The only places in src/core/ allowed to touch real time and real randomness. */
const allowed: Record<string, RegExp[]> = {
  'clock.ts': [realNow, realTimers],
  'rng.ts': [realRandom, realUuid],
};

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sources(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

describe('src/core/ takes time and randomness from the injected Clock and Rng', () => {
  it('no file but clock.ts and rng.ts reads the real clock, sets timers, draws Math.random or makes random ids', () => {
    const offences = sources(core).flatMap((file) => {
      const name = relative(core, file);
      const text = readFileSync(file, 'utf8').replace(/^\s*(\/\/|\*).*$/gm, '');
      return forbidden
        .filter((pattern) => pattern.test(text) && !(allowed[name] ?? []).includes(pattern))
        .map((pattern) => `${name}: ${pattern.source}`);
    });
    expect(offences).toEqual([]);
  });
});
