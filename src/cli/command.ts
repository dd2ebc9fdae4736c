import type { Argv } from 'yargs';
import type { CliIo } from './io.js';

export type Flags = Record<string, unknown> & { _: (string | number)[]; '--'?: (string | number)[] };

/** A CLI command: yargs declares its flags, `run` does the work and returns the exit code. */
export interface Command {
  command: string | string[];
  describe: string;
  builder: (yargs: Argv) => Argv;
  run: (flags: Flags, io: CliIo) => Promise<number>;
}
