import { appendFile } from 'node:fs/promises';
import type { Clock } from '../core/clock.js';
import { describeError } from '../errors.js';
import { formatDuration } from '../config/duration.js';
import { githubCommand, gitlabSectionEnd, gitlabSectionStart, oneLine } from './escape.js';
import { appendStepSummary, formatOutputs, randomToken, type TokenSource } from './github-files.js';
import type { CiKind } from './detect.js';

export { detectCi, shouldUseColor, type CiKind } from './detect.js';

export interface CiOutputOptions {
  kind: CiKind;
  env: Readonly<Record<string, string | undefined>>;
  /** Receives whole lines, each ending in "\n". */
  write: (text: string) => void;
  clock: Clock;
  color: boolean;
  /** Random token for $GITHUB_OUTPUT delimiters (tests inject one). */
  token?: TokenSource;
}

export interface Annotation {
  title?: string;
}

/** CI-native log structure: foldable phases, annotations, GitHub's step summary and step outputs. */
export interface CiOutput {
  /** `collapsed` folds the section on GitLab (GitHub groups always start folded). */
  startPhase(name: string, title: string, options?: { collapsed?: boolean }): void;
  endPhase(name: string): void;
  error(message: string, options?: Annotation): void;
  warning(message: string, options?: Annotation): void;
  /** GitHub: appends to $GITHUB_STEP_SUMMARY (cut to 1 MiB). Elsewhere a no-op. Never rejects on I/O errors. */
  summary(markdown: string): Promise<void>;
  /** GitHub: appends to $GITHUB_OUTPUT in heredoc form. Elsewhere a no-op. Rejects only for an invalid output name. */
  setOutputs(outputs: Record<string, string>): Promise<void>;
}

interface OpenPhase {
  name: string;
  title: string;
  startedAt: number;
}

const sgr = (code: string, text: string, color: boolean): string => (color ? `\u001b[${code}m${text}\u001b[0m` : text);

export function createCiOutput(options: CiOutputOptions): CiOutput {
  const { kind, env, write, clock, color } = options;
  const token = options.token ?? randomToken;
  const open: OpenPhase[] = [];
  const line = (text: string): void => write(`${text}\n`);
  const unix = (): number => Math.floor(clock.now() / 1000);

  const annotate = (level: 'error' | 'warning', message: string, annotation: Annotation = {}): void => {
    if (kind === 'github') return line(githubCommand(level, { title: annotation.title }, message));
    const label = `${level.toUpperCase()}:${annotation.title ? ` ${oneLine(annotation.title)}:` : ''}`;
    line(`${sgr(level === 'error' ? '1;31' : '1;33', label, color)} ${message}`);
  };

  /** GitHub groups cannot nest: an inner phase closes the outer group, which reopens when the inner one ends. */
  const openGroup = (phase: OpenPhase, continued: boolean): void =>
    line(githubCommand('group', {}, continued ? `${phase.title} (continued)` : phase.title));

  const closePhase = (phase: OpenPhase, innermost: boolean): void => {
    if (kind === 'github') {
      if (innermost) line('::endgroup::');
    } else if (kind === 'gitlab') {
      line(gitlabSectionEnd(unix(), phase.name));
    } else {
      line(sgr('2', `--- ${oneLine(phase.title)}: done in ${formatDuration(Math.max(0, clock.now() - phase.startedAt))}`, color));
    }
  };

  const guard = async (what: string, body: () => Promise<void>): Promise<void> => {
    try {
      await body();
    } catch (error) {
      annotate('warning', `could not write ${what}: ${describeError(error)}`, { title: 'cookiemonster' });
    }
  };

  return {
    startPhase(name, title, phaseOptions = {}) {
      const phase = { name, title, startedAt: clock.now() };
      if (kind === 'github') {
        if (open.length > 0) line('::endgroup::');
        openGroup(phase, false);
      } else if (kind === 'gitlab') {
        line(gitlabSectionStart(unix(), name, sgr('1;36', title, color), phaseOptions.collapsed ?? false));
      } else {
        line(sgr('1', `--- ${oneLine(title)}`, color));
      }
      open.push(phase);
    },
    endPhase(name) {
      const index = open.findLastIndex((phase) => phase.name === name);
      if (index < 0) return;
      const closing = open.splice(index).reverse();
      closing.forEach((phase, i) => closePhase(phase, i === 0));
      const outer = open.at(-1);
      if (kind === 'github' && outer) openGroup(outer, true);
    },
    error: (message, annotation) => annotate('error', message, annotation),
    warning: (message, annotation) => annotate('warning', message, annotation),
    async summary(markdown) {
      const path = env['GITHUB_STEP_SUMMARY'];
      if (kind !== 'github' || !path) return;
      await guard('the step summary ($GITHUB_STEP_SUMMARY)', () => appendStepSummary(path, markdown));
    },
    async setOutputs(outputs) {
      const path = env['GITHUB_OUTPUT'];
      if (kind !== 'github' || !path) return;
      const text = formatOutputs(outputs, token);
      await guard('the step outputs ($GITHUB_OUTPUT)', () => appendFile(path, text, 'utf8'));
    },
  };
}
