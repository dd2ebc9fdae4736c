import { describe, expect, it } from 'vitest';
import { formatIssues } from '../../src/config/issues.js';
import { configYamlSchema, killPodFileSchema } from '../../src/config/schema.js';

const problems = (schema: typeof killPodFileSchema | typeof configYamlSchema, data: unknown): string[] => {
  const parsed = schema.safeParse(data);
  if (parsed.success) throw new Error('expected a failure');
  return formatIssues('f', parsed.error, schema);
};

describe('unknown fields name the known ones, and the closest as a suggestion', () => {
  it('suggests across a transposition and inside arrays of objects', () => {
    const data = { namespace: [{ name: 'a', resource: [{ kind: 'deployment', targte: 1 }] }], interval: 3 };
    expect(problems(configYamlSchema, data)).toEqual(['f: namespace[0].resource[0].targte: unknown field (did you mean "target"? known: kind, name, target)']);
  });

  it('lists the known fields without a suggestion when none is close', () => {
    expect(problems(configYamlSchema, { namespace: [{ name: 'a', resource: [{ kind: 'deployment' }] }], interval: 3, colour: 'red' })).toEqual(['f: colour: unknown field (known: namespace, interval, duration, slack)']);
  });

  it('ignores case when comparing, as Go-style keys would', () => {
    expect(problems(killPodFileSchema, { kind: 'deployment', namespace: 'a', interval: 3, GracePeriods: 5 })[0]).toMatch(/^f: GracePeriods: unknown field \(did you mean "gracePeriod"\?/);
  });

  it('without the schema, says only that the field is unknown', () => {
    const parsed = killPodFileSchema.safeParse({ kind: 'deployment', namespace: 'a', interval: 3, intreval: 3 });
    expect(parsed.success ? [] : formatIssues('f', parsed.error)).toEqual(['f: intreval: unknown field']);
  });
});
