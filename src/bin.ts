#!/usr/bin/env node
import './memory-mode.js';
import { main } from './cli/main.js';
import { processIo } from './cli/process-io.js';

const { io, dispose } = processIo();
process.exitCode = await main(process.argv.slice(2), io);
dispose();
