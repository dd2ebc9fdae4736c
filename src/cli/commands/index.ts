import type { Command } from '../command.js';
import { cookiesCommand } from './cookies.js';

/** Every command, in the order `--help` lists them. */
export const commands: Command[] = [cookiesCommand];
