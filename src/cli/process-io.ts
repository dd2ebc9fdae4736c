import type { CliIo } from './io.js';

/** The real process as a CliIo: SIGINT/SIGTERM abort the signal instead of killing us, so reports get written. */
export function processIo(): { io: CliIo; dispose: () => void } {
  const controller = new AbortController();
  let received: 'SIGINT' | 'SIGTERM' | undefined;
  const onSignal = (name: 'SIGINT' | 'SIGTERM') => () => {
    if (received) {
      process.stderr.write(`cookiemonster: second ${name}, exiting now\n`);
      process.exit(name === 'SIGINT' ? 130 : 143);
    }
    received = name;
    process.stderr.write(`cookiemonster: ${name} received, stopping cookies and writing the report\n`);
    controller.abort(new Error(`interrupted by ${name}`));
  };
  const onInt = onSignal('SIGINT');
  const onTerm = onSignal('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  return {
    io: {
      stdout: (text) => process.stdout.write(text),
      stderr: (text) => process.stderr.write(text),
      env: process.env,
      cwd: process.cwd(),
      isTTY: process.stdout.isTTY === true,
      signal: controller.signal,
      interruptSignal: () => received,
    },
    dispose: () => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
    },
  };
}
