import type { Argv } from 'yargs';
import { runOptionDeclarations } from '../options/declarations.js';
import { declareOptions } from './declare-options.js';

/** The flags of `run` and `demo`, generated from their declarations (src/options/declarations.ts). */
export function declareRunFlags(y: Argv): Argv {
  return declareOptions(y, runOptionDeclarations);
}
