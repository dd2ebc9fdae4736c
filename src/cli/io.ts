/** Everything a command touches of the outside world, so tests can run `main` in-process. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  isTTY: boolean;
  /** Aborted on SIGINT/SIGTERM; `interruptSignal` says which. */
  signal: AbortSignal;
  interruptSignal: () => 'SIGINT' | 'SIGTERM' | undefined;
}

/** What a command handler reports back to `main`. */
export interface CommandResult {
  exitCode: number;
}
