import { z } from 'zod';
import { expected } from '../config/fields.js';
import { runOptionDeclarations } from '../options/declarations.js';
import { camelShapeOf } from '../options/schema.js';
import { formatIssues } from '../config/issues.js';
import { fromKillPodFile } from '../config/normalize.js';
import { killPodFileSchema, type Cookie } from '../config/schema.js';
import { toJsonLine } from '../log/format.js';
import { toHtmlReport } from '../report/html/report.js';
import { toJUnitXml } from '../report/junit.js';
import { enforceCeiling } from './ceiling.js';
import type { RouteContext } from './context.js';
import { isCookieGroup } from '../config/catalog.js';
import { HttpError, readBody, requireMethod, sendJson, sendText } from './http-io.js';
import { jobJson, jobReport } from './job-report.js';
import type { Job } from './job.js';
import { changing, reading, type Route } from './route.js';

const jobName = z
  .string({ error: expected('a job name') })
  .regex(/^[a-z0-9]([-a-z0-9._]{0,61}[a-z0-9])?$/, { error: expected('a job name like "nova-chaos" (lowercase letters, digits, "-", "." and "_")') });

/** The run options a job body may set (declared with `rest` in src/options/declarations.ts); the server's flags are their ceiling. */
type RestFields = { dryRun: z.ZodOptional<z.ZodBoolean>; chaosDuration: z.ZodOptional<z.ZodType<number>>; maxRecovery: z.ZodOptional<z.ZodType<number>> };

/** POST /api/v2/jobs: a cookie by reference (`killpod/NAME`, `nodeexec/NAME` or `NAME`) or inline (a killpod cookie file). */
const startBody = z.strictObject(
  {
    cookie: z.unknown().refine((v) => v !== undefined, { error: expected('"killpod/NAME" or a killpod cookie object') }),
    name: jobName.optional(),
    ...(camelShapeOf(runOptionDeclarations, 'rest') as RestFields),
  },
  { error: expected('a JSON object like {"cookie": "killpod/NAME"}') },
);

const bodyHint = 'POST {"cookie": "killpod/NAME"} or {"name": "my-job", "cookie": {"kind": "deployment", "namespace": "openstack", "interval": 30}}';

/** `/api/v2/jobs[/ID[/log|junit|report.html|stop]]`; undefined for anything else. Creating and stopping jobs change state. */
export function apiV2Route(method: string, segments: readonly string[]): Route | undefined {
  const [api, version, collection, id, action, ...rest] = segments;
  if (api !== 'api' || version !== 'v2' || collection !== 'jobs' || rest.length > 0) return undefined;
  if (id === undefined) return isRead(method) ? reading(listJobs) : changing(startJob);
  switch (action) {
    case undefined:
      return reading((ctx) => {
        requireMethod(ctx.req, 'GET');
        sendJson(ctx.res, 200, jobJson(jobOf(ctx, id), true));
      });
    case 'log':
      return reading((ctx) => {
        requireMethod(ctx.req, 'GET');
        sendText(ctx.res, 200, jobOf(ctx, id).log.entries().map((e) => `${toJsonLine(e)}\n`).join(''), 'application/x-ndjson');
      });
    case 'junit':
      return reading((ctx) => junit(ctx, jobOf(ctx, id)));
    case 'report.html':
      return reading((ctx) => {
        requireMethod(ctx.req, 'GET');
        sendText(ctx.res, 200, toHtmlReport(jobReport(jobOf(ctx, id), ctx.server, ctx.clock.now())), 'text/html; charset=utf-8');
      });
    case 'stop':
      return changing((ctx) => stopJob(ctx, id));
    default:
      return undefined;
  }
}

const isRead = (method: string): boolean => method === 'GET' || method === 'HEAD';

function listJobs({ req, res, jobs }: RouteContext): void {
  requireMethod(req, 'GET', 'POST');
  sendJson(res, 200, { jobs: jobs.all().map((j) => jobJson(j)) });
}

function jobOf(ctx: RouteContext, id: string): Job {
  const job = ctx.jobs.find(id);
  if (!job) throw new HttpError(404, 'not-found', `no job with id or name "${id}"`, 'list the jobs with GET /api/v2/jobs');
  return job;
}

function junit(ctx: RouteContext, job: Job): void {
  requireMethod(ctx.req, 'GET');
  if (job.state !== 'finished') {
    throw new HttpError(409, 'conflict', `job ${job.id} is ${job.state}: its JUnit report is written when it has finished`, `stop it with POST /api/v2/jobs/${job.id}/stop?wait=true`);
  }
  sendText(ctx.res, 200, toJUnitXml(jobReport(job, ctx.server, ctx.clock.now())), 'application/xml; charset=utf-8');
}

async function stopJob(ctx: RouteContext, id: string): Promise<void> {
  requireMethod(ctx.req, 'POST');
  const job = jobOf(ctx, id);
  await ctx.jobs.stop(job);
  const wait = ['1', 'true', 'yes'].includes(ctx.url.searchParams.get('wait') ?? '');
  if (wait) await job.finished;
  sendJson(ctx.res, job.state === 'finished' ? 200 : 202, jobJson(job, true));
}

async function startJob(ctx: RouteContext): Promise<void> {
  requireMethod(ctx.req, 'GET', 'POST');
  const text = await readBody(ctx.req);
  let data: unknown;
  try {
    data = JSON.parse(text === '' ? 'null' : text);
  } catch (error) {
    throw new HttpError(400, 'invalid-request', `request body: invalid JSON: ${(error as Error).message}`, bodyHint);
  }
  const body = startBody.safeParse(data);
  if (!body.success) throw invalid(formatIssues('request body', body.error));
  const { cookie: given, dryRun, chaosDuration, maxRecovery } = body.data;
  const inlined = typeof given === 'string' ? undefined : inline(given, body.data.name);
  enforceCeiling({ dryRun, inline: inlined }, ctx.ceiling);
  const cookie = inlined ?? (await byReference(ctx, given as string));
  const name = body.data.name ?? cookie.name;
  const running = ctx.jobs.runningNamed(name, cookie.group);
  if (running) {
    throw new HttpError(409, 'conflict', `job ${name} is already running (id ${running.id})`, `stop it first: POST /api/v2/jobs/${running.id}/stop`);
  }
  const job: Job = ctx.jobs.start({
    name,
    group: cookie.group,
    cookies: [{ ...cookie, name }],
    source: 'v2',
    dryRun,
    chaosDurationMs: chaosDuration,
    maxRecoveryMs: maxRecovery,
  });
  sendJson(ctx.res, 201, jobJson(job), { location: `/api/v2/jobs/${job.id}` });
}

async function byReference(ctx: RouteContext, ref: string): Promise<Cookie> {
  const [first, second, ...more] = ref.split('/');
  if (more.length > 0 || !first || (second !== undefined && (!isCookieGroup(first) || !second))) {
    throw invalid([`request body: cookie: expected "killpod/NAME", "nodeexec/NAME" or "NAME", got ${JSON.stringify(ref)}`]);
  }
  return second === undefined ? ctx.cookies.load('killpod', first) : ctx.cookies.load(first as 'killpod' | 'nodeexec', second);
}

function inline(value: unknown, name: string | undefined): Cookie {
  const parsed = killPodFileSchema.safeParse(value);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => ({ ...issue, path: ['cookie', ...issue.path] }));
    throw invalid(formatIssues('request body', new z.ZodError(issues)));
  }
  return fromKillPodFile(name ?? `api-${parsed.data.namespace}-${parsed.data.kind}`, 'request body', parsed.data);
}

function invalid(problems: string[]): HttpError {
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
  return new HttpError(400, 'config-invalid', `${problems[0] ?? 'request body: invalid'}${more}`, bodyHint);
}
