// The library API: `runPipeline` is the whole `cookiemonster run` as a function. Building blocks for custom pipelines
// are in `kube-cookiemonster/advanced`; the CLI is the `cookiemonster` bin, not an import.
export { runPipeline, commandVerification, type RunOptions } from './api.js';
export type { Verification, Phase } from './core/pipeline.js';
export { toJUnitXml } from './report/junit.js';
export { findCookieRoot, loadCookies, loadCookieFile } from './config/load.js';
export type { Cookie, KillPodCookie, NodeExecCookie, SafetyRules } from './config/schema.js';
export { parseDuration, formatDuration } from './config/duration.js';
export { CookieError, isCookieError, describeError, type ErrorCode } from './errors.js';
export { ExitCode, exitCodeForError } from './exit-codes.js';
export { systemClock, type Clock } from './core/clock.js';
export { seededRng, type Rng } from './core/rng.js';
export { createKillLog, type KillLog, type LogEntry } from './log/entries.js';
export type * from './kube/types.js';
export type * from './report/types.js';
export { version } from './version.js';
