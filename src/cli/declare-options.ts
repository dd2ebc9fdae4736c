import type { Argv, Options } from 'yargs';
import type { OptionDeclaration } from '../options/declarations.js';

/** The yargs flags of a set of option declarations, grouped as declared. Values are validated again with zod later. */
export function declareOptions(y: Argv, declarations: Readonly<Record<string, OptionDeclaration>>): Argv {
  const groups = new Map<string, string[]>();
  for (const [name, declaration] of Object.entries(declarations)) {
    groups.set(declaration.group, [...(groups.get(declaration.group) ?? []), name]);
    y = y.option(name, yargsOption(declaration));
  }
  for (const [group, names] of groups) y = y.group(names, group);
  return y;
}

function yargsOption({ value, describe, default: fallback }: OptionDeclaration): Options {
  const common = { describe, ...(fallback !== undefined && { default: fallback }) };
  switch (value.type) {
    case 'boolean':
      return { ...common, type: 'boolean' };
    case 'list':
      return { ...common, type: 'string', array: true };
    case 'choice':
      return { ...common, choices: [...value.choices] };
    case 'count':
      return { ...common, type: 'number' };
    default:
      // Durations stay strings ("30s"); zod turns them into milliseconds and names a bad one with its flag.
      return { ...common, type: 'string' };
  }
}
