/**
 * `jobs/`: list, detail, `stdout/` (txt, ansi, json, *_download; the oversize message above the
 * display cap), `job_events/` (paginated, ordered by counter, `?limit=`), `cancel/` (GET can_cancel,
 * POST 202 or 405) and `relaunch/` (GET retry counts, POST 201 with a copy of the prompts).
 */
import { createJob, jobCreated } from './launcher.js';
import { paginate } from './pagination.js';
import {
  badRequest,
  idParam,
  json,
  methodNotAllowed,
  notFound,
  type SimRequest,
  type SimResponse,
} from './responses.js';
import type { Route, RouteContext } from './route.js';
import { eventJson, jobJson } from './serializers.js';
import { type AwxSimJob, TERMINAL_STATUSES } from './types.js';

function withJob(
  handler: (ctx: RouteContext, req: SimRequest, job: AwxSimJob) => SimResponse,
): (ctx: RouteContext, req: SimRequest, params: readonly string[]) => SimResponse {
  return (ctx, req, params) => {
    const id = idParam(params[0]);
    const job = id === undefined ? undefined : ctx.store.jobs.get(id);
    return job === undefined ? notFound() : handler(ctx, req, job);
  };
}

const TEXT_FORMATS = new Set(['txt', 'ansi', 'txt_download', 'ansi_download']);

function stdout(ctx: RouteContext, req: SimRequest, job: AwxSimJob): SimResponse {
  const format = req.query.get('format') ?? 'json';
  if (!TEXT_FORMATS.has(format) && format !== 'json' && format !== 'html') return notFound();
  const lines = job.events.filter((e) => e.stdout !== '').flatMap((e) => e.stdout.split('\n'));
  const full = lines.length === 0 ? '' : `${lines.join('\n')}\n`;
  const bytes = Buffer.byteLength(full);
  const tooLarge = bytes > ctx.stdoutMaxBytes && !format.endsWith('_download');
  const content = tooLarge
    ? `Standard Output too large to display (${bytes} bytes), only download supported for sizes over ${ctx.stdoutMaxBytes} bytes.`
    : full;

  if (format.endsWith('_download')) {
    return {
      status: 200,
      text: full,
      headers: {
        'content-type': 'text/plain; charset=utf-8',
        'content-disposition': `attachment; filename="job_${job.id}.txt"`,
      },
    };
  }
  if (format === 'txt' || format === 'ansi') {
    return { status: 200, text: content, headers: { 'content-type': 'text/plain; charset=utf-8' } };
  }
  if (format === 'html') {
    return {
      status: 200,
      text: `<html><body><pre>${content}</pre></body></html>`,
      headers: { 'content-type': 'text/html' },
    };
  }
  const start = Number(req.query.get('start_line') ?? 0) || 0;
  const end = req.query.has('end_line') ? Number(req.query.get('end_line')) : lines.length;
  const slice = tooLarge ? content : lines.slice(start, end).join('\n');
  return json(200, {
    range: { start, end: Math.min(end, lines.length), absolute_end: lines.length },
    content: slice,
  });
}

function cancel(ctx: RouteContext, req: SimRequest, job: AwxSimJob): SimResponse {
  if (req.method === 'GET') return json(200, { can_cancel: !TERMINAL_STATUSES.has(job.status) });
  return ctx.lifecycle.cancel(job) ? { status: 202 } : methodNotAllowed('POST');
}

function relaunchInfo(ctx: RouteContext, _req: SimRequest, job: AwxSimJob): SimResponse {
  const active = !TERMINAL_STATUSES.has(job.status);
  return json(200, {
    passwords_needed_to_start: [],
    retry_counts: active
      ? 'Wait until job finishes before retrying on failed hosts.'
      : { all: job.events.length === 0 ? 0 : countHosts(job), failed: ctx.lifecycle.failedHosts(job).length },
  });
}

function relaunch(ctx: RouteContext, req: SimRequest, job: AwxSimJob): SimResponse {
  const body = (req.body ?? {}) as Record<string, unknown>;
  const hosts = body.hosts ?? 'all';
  if (hosts !== 'all' && hosts !== 'failed')
    return badRequest({ hosts: [`"${String(hosts)}" is not a valid choice.`] });
  const jt = ctx.store.jobTemplates.get(job.job_template);
  if (jt === undefined) return badRequest({ errors: ['Job Template Project is missing or undefined.'] });
  let limit = job.prompts.limit;
  if (hosts === 'failed') {
    if (!TERMINAL_STATUSES.has(job.status)) {
      return badRequest({ hosts: ['Wait until job finishes before retrying on failed hosts.'] });
    }
    if (job.host_status_counts === null) {
      return badRequest({ hosts: ['Cannot retry on failed hosts, playbook stats not available.'] });
    }
    const failed = ctx.lifecycle.failedHosts(job);
    if (failed.length === 0) return badRequest({ hosts: ['No failed hosts found.'] });
    limit = failed.join(',');
  }
  const copy = createJob(ctx, jt, {
    prompts: { ...job.prompts, extra_vars: { ...job.prompts.extra_vars }, limit },
    launchType: 'relaunch',
    requestedOutcome: job.requestedOutcome,
    relaunchedFrom: job.id,
  });
  return jobCreated(ctx, req, copy);
}

function countHosts(job: AwxSimJob): number {
  return new Set(job.events.filter((e) => e.host_name !== '').map((e) => e.host_name)).size;
}

export const jobRoutes: Route[] = [
  {
    pattern: /^jobs\/$/,
    methods: {
      GET: (ctx, req) =>
        paginate(
          req,
          [...ctx.store.jobs.values()].map((job) => jobJson(req.prefix, ctx.store, job, 'list')),
        ),
    },
  },
  {
    pattern: /^jobs\/([^/]+)\/$/,
    methods: { GET: withJob((ctx, req, job) => json(200, jobJson(req.prefix, ctx.store, job, 'detail'))) },
  },
  { pattern: /^jobs\/([^/]+)\/stdout\/$/, methods: { GET: withJob(stdout) } },
  {
    pattern: /^jobs\/([^/]+)\/job_events\/$/,
    methods: {
      GET: withJob((_ctx, req, job) => {
        const page = paginate(
          req,
          job.events.map((e) => eventJson(req.prefix, e)),
          { allowLimit: true, defaultOrder: 'counter' },
        );
        return { ...page, headers: { ...page.headers, 'x-ui-max-events': '4000' } };
      }),
    },
  },
  { pattern: /^jobs\/([^/]+)\/cancel\/$/, methods: { GET: withJob(cancel), POST: withJob(cancel) } },
  {
    pattern: /^jobs\/([^/]+)\/relaunch\/$/,
    methods: { GET: withJob(relaunchInfo), POST: withJob(relaunch) },
  },
];
