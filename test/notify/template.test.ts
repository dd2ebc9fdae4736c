import { describe, expect, it } from 'vitest';
import { CookieError } from '../../src/errors.js';
import { validateTemplate } from '../../src/notify/template.js';

describe('validateTemplate', () => {
  it('accepts the documented placeholders', () => {
    expect(validateTemplate('{pod} {namespace} {cookie} {workload} {kind} {node}', '--notify-template')).toContain('{pod}');
  });
  it.each([
    ['{pods} died', '--notify-template: unknown placeholder {pods}, expected one of {pod} {namespace} {cookie} {workload} {kind} {node}'],
    ['   ', '--notify-template: expected a message template, got an empty one'],
  ])('rejects %j', (template, message) => {
    expect(() => validateTemplate(template, '--notify-template')).toThrow(new CookieError('usage', message));
  });
});
