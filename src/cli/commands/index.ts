import type { Command } from '../command.js';
import { cookiesCommand } from './cookies.js';
import { demoCommand } from './demo.js';
import { runCommand } from './run.js';
import { serveCommand } from './serve.js';
import { startCommand, statusCommand, stopCommand } from './client.js';

/** Every command, in the order `--help` lists them. */
export const commands: Command[] = [runCommand, demoCommand, cookiesCommand, serveCommand, startCommand, stopCommand, statusCommand];
