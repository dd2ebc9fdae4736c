import type { ErrorCode } from './errors.js';

/** The exit codes of `cookiemonster run`, one per outcome class. */
export const ExitCode = {
  passed: 0,
  verifyFailed: 1,
  usage: 2,
  cluster: 3,
  chaosFailed: 4,
  interruptedInt: 130,
  interruptedTerm: 143,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** Which exit code an error that ends a run early maps to. */
export function exitCodeForError(code: ErrorCode): ExitCodeValue {
  switch (code) {
    case 'usage':
    case 'config-invalid':
    case 'kubeconfig-missing':
      return ExitCode.usage;
    case 'cluster-unreachable':
    case 'timeout':
    case 'unauthorized':
    case 'forbidden':
    case 'not-found':
    case 'conflict':
    case 'invalid-request':
    case 'server-error':
    case 'deploy-not-ready':
      return ExitCode.cluster;
    case 'verify-failed':
    case 'verify-timeout':
      return ExitCode.verifyFailed;
    case 'disruption-budget':
    case 'chaos-failed':
      return ExitCode.chaosFailed;
    case 'cancelled':
      return ExitCode.interruptedInt;
    case 'internal':
      return ExitCode.chaosFailed;
  }
}
