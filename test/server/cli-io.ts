import { main } from '../../src/cli/main.js';
import type { CliIo } from '../../src/cli/io.js';

export interface InProcessCli {
  /** Resolves with the exit code once the command returns. */
  done: Promise<number>;
  out: () => string;
  err: () => string;
  /** SIGTERM, as the process would map it. */
  terminate: () => void;
}

/** Runs `cookiemonster ARGS` in this process with its own env, cwd and abort signal. */
export function cli(args: string[], options: { env?: Record<string, string>; cwd?: string } = {}): InProcessCli {
  let out = '';
  let err = '';
  let interrupted: 'SIGTERM' | undefined;
  const controller = new AbortController();
  const io: CliIo = {
    stdout: (t) => void (out += t),
    stderr: (t) => void (err += t),
    env: options.env ?? {},
    cwd: options.cwd ?? process.cwd(),
    isTTY: false,
    signal: controller.signal,
    interruptSignal: () => interrupted,
  };
  return {
    done: main(args, io),
    out: () => out,
    err: () => err,
    terminate: () => {
      interrupted = 'SIGTERM';
      controller.abort();
    },
  };
}
