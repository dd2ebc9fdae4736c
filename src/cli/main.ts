import yargs, { type Argv } from 'yargs';
import { CookieError, describeError, isCookieError } from '../errors.js';
import { exitCodeForError, ExitCode } from '../exit-codes.js';
import { printable } from '../printable.js';
import { version } from '../version.js';
import type { Command, Flags } from './command.js';
import { commands } from './commands/index.js';
import type { CliIo } from './io.js';
import { joinNegativeValues } from './negative-values.js';

const epilogue = `Exit codes: 0 passed · 1 verification failed · 2 usage or config error · 3 deploy check failed or cluster unreachable · 4 chaos failed (recovery SLO breached, unrecovered workload, cookie error) · 130/143 interrupted (SIGINT/SIGTERM).
Docs: README.md in the package.`;

const examples: [string, string][] = [
  ['$0 run --cookie killpod/openstack-random-deployment --max-recovery 60s -- ./run-tests.sh', 'chaos while your tests run; JUnit and kill log in reports/'],
  ['$0 demo', 'the same run on a built-in simulated cluster'],
  ['$0 cookies validate cookies.d', 'check cookie files: one line per problem, exit 2'],
  ['$0 serve --port 8080', "the original REST API (/start/killpod/NAME …) on 127.0.0.1"],
  ['$0 start --server http://127.0.0.1:8080 killpod/openstack-random-deployment', 'start a cookie on a server'],
  ['$0 stop --server http://127.0.0.1:8080 killpod/openstack-random-deployment', 'stop it, wait for recovery, write its JUnit'],
  ['$0 status --server http://127.0.0.1:8080', 'the jobs of a server'],
];

function buildParser(io: CliIo, sink: (command: Command, flags: Flags) => void): Argv {
  let parser = yargs()
    .scriptName('cookiemonster')
    .usage('$0 <command> [options]\n\nA Kubernetes chaos test in one CI step.')
    .parserConfiguration({ 'populate--': true })
    .version(version)
    .alias('version', 'V')
    .help()
    .alias('help', 'h')
    .wrap(Math.min(110, process.stdout.columns || 110))
    .strict()
    .exitProcess(false)
    .demandCommand(1, 'name a command: run, demo, cookies, serve, start, stop or status')
    .recommendCommands()
    .epilogue(epilogue)
    .fail((message, error) => {
      if (isCookieError(error)) throw error;
      throw new CookieError('usage', (message ?? describeError(error)).replace(/\s*\n\s*/g, ' '), { cause: error });
    });
  for (const [example, description] of examples) parser = parser.example(example, description);
  for (const command of commands) {
    parser = parser.command(command.command, command.describe, command.builder, (flags) => sink(command, flags as Flags));
  }
  return parser.showHelpOnFail(false);
}

/** Runs the CLI in-process and returns the exit code; nothing here calls process.exit. */
export async function main(argv: string[], io: CliIo): Promise<number> {
  let selected: { command: Command; flags: Flags } | undefined;
  let printed = '';
  try {
    const parser = buildParser(io, (command, flags) => {
      selected = { command, flags };
    });
    await parser.parseAsync(joinNegativeValues(argv), {}, (_error, _argv, output) => {
      printed = output;
    });
    if (printed) io.stdout(printed.endsWith('\n') ? printed : `${printed}\n`);
    if (!selected) return ExitCode.passed;
    return await selected.command.run(selected.flags, io);
  } catch (error) {
    return reportError(error, io);
  }
}

/** Parses a command line with our own yargs definition without running it (used to check CI templates). */
export async function parseCommandLine(argv: string[]): Promise<{ command: string; flags: Flags }> {
  const io: CliIo = {
    stdout: () => {},
    stderr: () => {},
    env: {},
    cwd: process.cwd(),
    isTTY: false,
    signal: new AbortController().signal,
    interruptSignal: () => undefined,
  };
  let selected: { command: Command; flags: Flags } | undefined;
  await buildParser(io, (command, flags) => {
    selected = { command, flags };
  }).parseAsync(joinNegativeValues(argv), {}, () => {});
  if (!selected) throw new CookieError('usage', `not a command invocation: ${argv.join(' ')}`);
  const name = Array.isArray(selected.command.command) ? selected.command.command[0] : selected.command.command;
  return { command: (name ?? '').split(' ')[0] ?? '', flags: selected.flags };
}

/** One line (plus the hint and any further problems), never a stack trace. */
export function reportError(error: unknown, io: CliIo): number {
  if (isCookieError(error)) {
    const problems = (error.details['problems'] as string[] | undefined) ?? [error.message];
    for (const line of problems) io.stderr(`cookiemonster: ${printable(line)}\n`);
    if (error.hint) io.stderr(`hint: ${printable(error.hint)}\n`);
    return exitCodeForError(error.code);
  }
  io.stderr(`cookiemonster: internal error: ${printable(describeError(error))}\n`);
  return ExitCode.chaosFailed;
}
