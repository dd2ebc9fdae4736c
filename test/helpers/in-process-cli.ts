import type { CliIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';

/** Runs the CLI in-process, as `bin.ts` would, with everything it prints captured. */
export async function runInProcess(argv: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (text) => void (stdout += text),
    stderr: (text) => void (stderr += text),
    env: {},
    cwd,
    isTTY: false,
    signal: new AbortController().signal,
    interruptSignal: () => undefined,
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}
