import { cookieGroups, type CookieGroup } from '../config/load.js';
import type { Cookie } from '../config/schema.js';
import type { RouteContext } from './context.js';
import { isCookieGroup } from '../config/catalog.js';
import { HttpError, requireMethod, sendJson, sendText, toHttpError } from './http-io.js';
import { jobStatusText } from './job-report.js';
import { changing, reading, segmentsAre, type Route } from './route.js';

const invalidGroup = 'invalid group specified';

/**
 * Generation 1: `/list`, `/show`, `/start`, `/stop`, `/status`, any HTTP method, plain-text replies worded as the
 * original's. Undefined when the path is not one of them.
 */
export function generationOneRoute(segments: readonly string[]): Route | undefined {
  const [route, group, name, ...rest] = segments;
  if (rest.length > 0) return undefined;
  switch (route) {
    case 'list':
      return name === undefined ? reading((ctx) => list(ctx, group)) : undefined;
    case 'show':
      return group !== undefined && name !== undefined ? reading((ctx) => show(ctx, group, name)) : undefined;
    case 'start':
      return group !== undefined && name !== undefined ? changing((ctx) => start(ctx, group, name)) : undefined;
    case 'stop':
      return group !== undefined && name !== undefined ? changing((ctx) => stop(ctx, group, name)) : undefined;
    case 'status':
      return group !== undefined ? reading((ctx) => status(ctx, group, name)) : undefined;
    default:
      return undefined;
  }
}

async function list({ res, cookies }: RouteContext, group: string | undefined): Promise<void> {
  if (group === undefined) {
    const all = await Promise.all(cookieGroups.map((g) => cookies.names(g)));
    sendText(res, 200, all.flat().join('\n'));
  } else if (isCookieGroup(group)) sendText(res, 200, (await cookies.names(group)).join('\n'));
  else sendText(res, 200, invalidGroup);
}

async function show({ res, cookies }: RouteContext, group: string, name: string): Promise<void> {
  if (!isCookieGroup(group)) sendText(res, 200, invalidGroup);
  else sendText(res, 200, await cookies.raw(group, name), 'application/json; charset=utf-8');
}

async function start({ res, jobs, cookies, say }: RouteContext, group: string, name: string): Promise<void> {
  if (!isCookieGroup(group)) return sendText(res, 200, invalidGroup);
  if (group === 'killpod' && jobs.runningNamed(name, 'killpod')) {
    say(`pod ${name} is already being munched, ignoring request`);
  } else {
    const cookie = await cookies.load(group, name);
    jobs.start({ name, group, cookies: [cookie], source: 'legacy' });
  }
  sendText(res, 200, 'start initiated');
}

function stop({ res, jobs, say }: RouteContext, group: string, name: string): void {
  if (group === 'nodeexec') return sendText(res, 200, 'can not stop a nodeexec job');
  if (group !== 'killpod') return sendText(res, 200, invalidGroup);
  const job = jobs.runningNamed(name, 'killpod');
  if (job) void jobs.stop(job);
  else say(`${name} is not currently getting munched`);
  sendText(res, 200, 'stop initiated');
}

function status({ res, jobs }: RouteContext, group: string, name: string | undefined): void {
  if (!isCookieGroup(group)) return sendText(res, 200, invalidGroup);
  if (name === undefined) {
    const listed = group === 'killpod'
      ? ['Running Jobs:', ...jobs.running().filter((j) => j.group === 'killpod' && j.state === 'running').map((j) => j.name)]
      : ['Jobs:', ...jobs.all().filter((j) => j.group === 'nodeexec').map((j) => j.id)];
    return sendText(res, 200, listed.join('\n'));
  }
  const job = jobs.find(name);
  if (!job || job.group !== group) throw new HttpError(404, 'not-found', `Job Status:\nno ${group} job named ${name}`);
  sendText(res, 200, jobStatusText(job));
}

/** Generation 2: the single global run of config.yaml (or, without one, of every killpod cookie). */
export function generationTwoRoute(segments: readonly string[]): Route | undefined {
  if (segmentsAre(segments, 'api', 'v1', 'config')) return reading(showConfig);
  if (segmentsAre(segments, 'api', 'v1', 'pod', 'start')) return changing(startGlobalRun);
  if (segmentsAre(segments, 'api', 'v1', 'pod', 'stop')) return changing(stopGlobalRun);
  if (segmentsAre(segments, 'api', 'v1', 'pod')) {
    return reading(({ req, res }) => {
      requireMethod(req, 'GET');
      sendText(res, 200, 'Hello World');
    });
  }
  return undefined;
}

async function showConfig({ req, res, cookies }: RouteContext): Promise<void> {
  requireMethod(req, 'GET');
  const config = await cookies.config();
  if (!config) throw new HttpError(404, 'not-found', `no config.yaml ${cookies.root ? `in ${cookies.root}` : '(no cookie directory)'}`);
  sendJson(res, 200, config.data);
}

async function startGlobalRun(ctx: RouteContext): Promise<void> {
  const { req, res, jobs } = ctx;
  requireMethod(req, 'POST');
  if (jobs.runningNamed(globalRun, 'killpod')) return sendText(res, 200, 'Pod is already being munched, ignoring request');
  let selected: Cookie[];
  try {
    selected = await generationTwoCookies(ctx);
  } catch (error) {
    throw new HttpError(toHttpError(error).status, 'config-invalid', `Cookie Monster Start Error !!! ${(error as Error).message}`);
  }
  jobs.start({ name: globalRun, group: 'killpod', cookies: selected, source: 'v1' });
  sendText(res, 200, 'Cookie Monster Start!!!');
}

function stopGlobalRun({ req, res, jobs }: RouteContext): void {
  requireMethod(req, 'POST');
  const job = jobs.runningNamed(globalRun, 'killpod');
  if (!job) return sendText(res, 200, 'Pod is not currently getting munched...');
  void jobs.stop(job);
  sendText(res, 200, 'Cookie Monster Stop!!!');
}

/** The job name of the generation-2 run. */
export const globalRun = 'config';

async function generationTwoCookies(ctx: RouteContext): Promise<Cookie[]> {
  const config = await ctx.cookies.config();
  if (config) return config.cookies.filter((c) => c.group === 'killpod');
  const group: CookieGroup = 'killpod';
  const names = await ctx.cookies.names(group);
  if (names.length === 0) throw new HttpError(404, 'not-found', 'no config.yaml and no killpod cookies to run');
  return Promise.all(names.map((name) => ctx.cookies.load(group, name)));
}
