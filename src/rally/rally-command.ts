/** Where and how to run the `rally` CLI: the same for every step of the preset and for preparing its database. */
export interface RallyInvocation {
  /** The rally executable (default "rally" from PATH). */
  executable?: string | undefined;
  /** `rally --config-file FILE` (its `[database] connection`). */
  configFile?: string | undefined;
  /** A private HOME: Rally keeps the current env and task in ~/.rally/globals. */
  home?: string | undefined;
  /** The environment to start from (default: this process's). */
  env?: Readonly<Record<string, string | undefined>> | undefined;
}

export function rallyArgv(invocation: RallyInvocation, ...args: string[]): string[] {
  const config = invocation.configFile ? ['--config-file', invocation.configFile] : [];
  return [invocation.executable ?? 'rally', ...config, ...args];
}

export function rallyEnv(invocation: RallyInvocation): Record<string, string | undefined> {
  const base = invocation.env ?? process.env;
  return invocation.home === undefined ? { ...base } : { ...base, HOME: invocation.home };
}
