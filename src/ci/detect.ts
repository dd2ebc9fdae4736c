/** The CI systems we have native output for; `plain` is any other terminal or log. */
export type CiKind = 'github' | 'gitlab' | 'jenkins' | 'plain';

type Env = Readonly<Record<string, string | undefined>>;

const isSet = (value: string | undefined): boolean => value !== undefined && value !== '';

/** Which CI we run in, from the variables each system sets; `override` (the `--ci` flag) wins unless it is `auto`. */
export function detectCi(env: Env, override: CiKind | 'auto' = 'auto'): CiKind {
  if (override !== 'auto') return override;
  if (env['GITHUB_ACTIONS'] === 'true') return 'github';
  if (env['GITLAB_CI'] === 'true') return 'gitlab';
  if (isSet(env['JENKINS_URL']) || isSet(env['BUILD_NUMBER'])) return 'jenkins';
  return 'plain';
}

/** NO_COLOR (non-empty) disables, FORCE_COLOR enables (except "0"/"false"), else colour only on a TTY. */
export function shouldUseColor(env: Env, isTTY: boolean): boolean {
  if (isSet(env['NO_COLOR'])) return false;
  const force = env['FORCE_COLOR'];
  if (force !== undefined) return force !== '0' && force.toLowerCase() !== 'false';
  return isTTY;
}
