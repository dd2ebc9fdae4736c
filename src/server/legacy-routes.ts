import { cookieGroups, type CookieGroup } from '../config/load.js';
import type { Cookie } from '../config/schema.js';
import type { RouteContext } from './context.js';
import { isCookieGroup } from './cookie-source.js';
import { HttpError, requireMethod, sendJson, sendText } from './http-io.js';
import { jobStatusText } from './job-report.js';

const invalidGroup = 'invalid group specified';

/**
 * Generation 1: `/list`, `/show`, `/start`, `/stop`, `/status`, any HTTP method, plain-text replies worded as the
 * original's. Returns false when the path is not one of them.
 */
export async function handleGenerationOne(ctx: RouteContext): Promise<boolean> {
  const [route, group, name, ...rest] = ctx.segments;
  const { res, jobs, cookies, say } = ctx;
  if (rest.length > 0) return false;
  switch (route) {
    case 'list': {
      if (name !== undefined) return false;
      if (group === undefined) {
        const all = await Promise.all(cookieGroups.map((g) => cookies.names(g)));
        sendText(res, 200, all.flat().join('\n'));
      } else if (isCookieGroup(group)) sendText(res, 200, (await cookies.names(group)).join('\n'));
      else sendText(res, 200, invalidGroup);
      return true;
    }
    case 'show': {
      if (group === undefined || name === undefined) return false;
      if (!isCookieGroup(group)) sendText(res, 200, invalidGroup);
      else sendText(res, 200, await cookies.raw(group, name), 'application/json; charset=utf-8');
      return true;
    }
    case 'start': {
      if (group === undefined || name === undefined) return false;
      if (!isCookieGroup(group)) {
        sendText(res, 200, invalidGroup);
        return true;
      }
      if (group === 'killpod' && jobs.runningNamed(name, 'killpod')) {
        say(`pod ${name} is already being munched, ignoring request`);
      } else {
        const cookie = await cookies.load(group, name);
        jobs.start({ name, group, cookies: [cookie], source: 'legacy' });
      }
      sendText(res, 200, 'start initiated');
      return true;
    }
    case 'stop': {
      if (group === undefined || name === undefined) return false;
      if (group === 'nodeexec') sendText(res, 200, 'can not stop a nodeexec job');
      else if (group !== 'killpod') sendText(res, 200, invalidGroup);
      else {
        const job = jobs.runningNamed(name, 'killpod');
        if (job) void jobs.stop(job);
        else say(`${name} is not currently getting munched`);
        sendText(res, 200, 'stop initiated');
      }
      return true;
    }
    case 'status':
      return status(ctx, group, name);
    default:
      return false;
  }
}

function status(ctx: RouteContext, group: string | undefined, name: string | undefined): boolean {
  const { res, jobs } = ctx;
  if (group === undefined) return false;
  if (!isCookieGroup(group)) {
    sendText(res, 200, invalidGroup);
    return true;
  }
  if (name === undefined) {
    const listed = group === 'killpod'
      ? ['Running Jobs:', ...jobs.running().filter((j) => j.group === 'killpod' && j.state === 'running').map((j) => j.name)]
      : ['Jobs:', ...jobs.all().filter((j) => j.group === 'nodeexec').map((j) => j.id)];
    sendText(res, 200, listed.join('\n'));
    return true;
  }
  const job = jobs.find(name);
  if (!job || job.group !== group) throw new HttpError(404, 'not-found', `Job Status:\nno ${group} job named ${name}`);
  sendText(res, 200, jobStatusText(job));
  return true;
}

/** Generation 2: the single global run of config.yaml (or, without one, of every killpod cookie). */
export async function handleGenerationTwo(ctx: RouteContext): Promise<boolean> {
  const { res, jobs, cookies, url } = ctx;
  switch (url.pathname.replace(/\/+$/, '')) {
    case '/api/v1/config': {
      requireMethod(ctx.req, 'GET');
      const config = await cookies.config();
      if (!config) throw new HttpError(404, 'not-found', `no config.yaml ${cookies.root ? `in ${cookies.root}` : '(no cookie directory)'}`);
      sendJson(res, 200, config.data);
      return true;
    }
    case '/api/v1/pod/start': {
      requireMethod(ctx.req, 'POST');
      if (jobs.runningNamed(globalRun, 'killpod')) {
        sendText(res, 200, 'Pod is already being munched, ignoring request');
        return true;
      }
      let selected: Cookie[];
      try {
        selected = await generationTwoCookies(ctx);
      } catch (error) {
        throw new HttpError(error instanceof HttpError ? error.status : 500, 'config-invalid', `Cookie Monster Start Error !!! ${(error as Error).message}`);
      }
      jobs.start({ name: globalRun, group: 'killpod', cookies: selected, source: 'v1' });
      sendText(res, 200, 'Cookie Monster Start!!!');
      return true;
    }
    case '/api/v1/pod/stop': {
      requireMethod(ctx.req, 'POST');
      const job = jobs.runningNamed(globalRun, 'killpod');
      if (!job) {
        sendText(res, 200, 'Pod is not currently getting munched...');
        return true;
      }
      void jobs.stop(job);
      sendText(res, 200, 'Cookie Monster Stop!!!');
      return true;
    }
    case '/api/v1/pod':
      requireMethod(ctx.req, 'GET');
      sendText(res, 200, 'Hello World');
      return true;
    default:
      return false;
  }
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
