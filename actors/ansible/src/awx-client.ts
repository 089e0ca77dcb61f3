/**
 * A typed AWX / Automation Controller client: job templates, launch, jobs (status, wait, stdout,
 * events, cancel, relaunch), inventory hosts, and the marker search that lets an exactly-once launch
 * recover after a crash.
 *
 * Guarantees: reads (GET) and idempotent writes (cancel, PATCH) are retried on 5xx / 429 / network
 * errors with bounded exponential backoff; a launch or relaunch is sent once and never retried — a
 * lost answer is OO_ERR_AWX_LAUNCH_UNCONFIRMED, to be resolved with `findJobsByMarker`. Every
 * failure is an OoError (codes OO_ERR_AWX_*); none carries the token.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { OoError } from '@oo/contracts';
import type { z } from 'zod';
import { launchUnconfirmed } from './awx-errors.js';
import { createHostApi } from './awx-hosts.js';
import { type AwxHttpOptions, type CallOptions, createAwxHttp, signalOf } from './awx-http.js';
import { parseWith, walkPages } from './awx-pagination.js';
import {
  AwxCancelInfo,
  AwxJob,
  AwxJobEvent,
  AwxJobTemplate,
  type AwxLaunchRequest,
  AwxLaunchResponse,
  isTerminalStatus,
  jobExtraVars,
} from './awx-schemas.js';

export type AwxClientOptions = AwxHttpOptions;

export interface WaitOptions extends CallOptions {
  /** Between two polls (ms, default 2,000). */
  pollIntervalMs?: number;
  /** Give up after this long (ms); OO_ERR_TIMEOUT. Default: wait as long as the job runs. */
  timeoutMs?: number;
  /** Also wait for `event_processing_finished`, so stdout and events are complete (default true). */
  untilEventsProcessed?: boolean;
  /** Called with every polled state. */
  onPoll?: (job: AwxJob) => void;
}

export interface MarkerSearch extends CallOptions {
  /** Extra-vars key holding the marker (default `oo_task_key`). */
  key?: string;
  /** Jobs per page (default 50). */
  pageSize?: number;
  /** Newest pages scanned at most (default 4, so the newest 200 jobs). */
  maxPages?: number;
}

/** Launch fields and the template flag that must be on for AWX to honour them. */
const PROMPT_FLAGS: Record<string, string> = {
  extra_vars: 'ask_variables_on_launch',
  limit: 'ask_limit_on_launch',
  inventory: 'ask_inventory_on_launch',
  credentials: 'ask_credential_on_launch',
  job_tags: 'ask_tags_on_launch',
  skip_tags: 'ask_skip_tags_on_launch',
};

export type AwxClient = ReturnType<typeof createAwxClient>;

/** Throws OO_ERR_CONFIG_INVALID for a malformed base URL or token. Call `close()` when done. */
export function createAwxClient(options: AwxClientOptions) {
  const http = createAwxHttp(options);

  async function getJson<T extends z.ZodType>(schema: T, path: string, call: CallOptions) {
    return parseWith(schema, await http.json({ method: 'GET', path, ...signalOf(call) }), {
      method: 'GET',
      path,
    });
  }

  /**
   * The job template of that exact name (optionally in that organisation). Throws
   * OO_ERR_AWX_JOB_TEMPLATE_NOT_FOUND or OO_ERR_AWX_JOB_TEMPLATE_AMBIGUOUS.
   */
  async function findJobTemplate(
    name: string,
    call: CallOptions & { organization?: string } = {},
  ): Promise<AwxJobTemplate> {
    const query = {
      name,
      ...(call.organization === undefined ? {} : { organization__name: call.organization }),
    };
    const found: AwxJobTemplate[] = [];
    for await (const jt of walkPages(http, AwxJobTemplate, {
      path: 'job_templates/',
      query,
      maxPages: 1,
      ...signalOf(call),
    })) {
      found.push(jt);
    }
    const where = call.organization === undefined ? '' : ` in organization ${call.organization}`;
    if (found.length === 0) {
      throw new OoError(
        'OO_ERR_AWX_JOB_TEMPLATE_NOT_FOUND',
        `AWX has no job template named ${name}${where}`,
        {
          details: { name, organization: call.organization },
        },
      );
    }
    if (found.length > 1) {
      throw new OoError(
        'OO_ERR_AWX_JOB_TEMPLATE_AMBIGUOUS',
        `AWX has ${found.length} job templates named ${name}${where}; name the organization`,
        { details: { name, ids: found.map((jt) => jt.id) } },
      );
    }
    return found[0]!;
  }

  /**
   * Launches a job template: one POST, never retried. Throws OO_ERR_AWX_LAUNCH_UNCONFIRMED when the
   * answer is lost (5xx, reset, timeout), OO_ERR_AWX_LAUNCH_BLOCKED when AWX needs more input, and
   * OO_ERR_AWX_PROMPT_IGNORED when AWX dropped a field the template does not prompt for — that job
   * is canceled, since it runs without what OO asked for.
   */
  async function launch(
    jobTemplate: number | Pick<AwxJobTemplate, 'id' | 'name'>,
    request: AwxLaunchRequest = {},
    call: CallOptions = {},
  ): Promise<AwxLaunchResponse> {
    const jtId = typeof jobTemplate === 'number' ? jobTemplate : jobTemplate.id;
    const path = `job_templates/${jtId}/launch/`;
    const body = {
      ...(request.extraVars === undefined ? {} : { extra_vars: request.extraVars }),
      ...(request.limit === undefined ? {} : { limit: request.limit }),
      ...(request.inventory === undefined ? {} : { inventory: request.inventory }),
      ...(request.credentials === undefined ? {} : { credentials: request.credentials }),
      ...(request.jobTags === undefined ? {} : { job_tags: request.jobTags }),
      ...(request.skipTags === undefined ? {} : { skip_tags: request.skipTags }),
    };
    const launched = await createOnce(path, body, call);
    const ignored = Object.keys(launched.ignored_fields ?? {});
    if (ignored.length > 0) {
      const name = typeof jobTemplate === 'number' ? launched.name : jobTemplate.name;
      throw await promptIgnored(launched, ignored, name);
    }
    return launched;
  }

  async function createOnce(path: string, body: unknown, call: CallOptions): Promise<AwxLaunchResponse> {
    let raw: unknown;
    try {
      raw = await http.json({ method: 'POST', path, body, idempotent: false, ...signalOf(call) });
    } catch (error) {
      const lost =
        error instanceof OoError &&
        (error.code === 'OO_ERR_AWX_SERVER_ERROR' || error.code === 'OO_ERR_AWX_UNREACHABLE');
      throw lost ? launchUnconfirmed({ method: 'POST', path }, error) : error;
    }
    return parseWith(AwxLaunchResponse, raw, { method: 'POST', path });
  }

  async function promptIgnored(
    launched: AwxLaunchResponse,
    fields: string[],
    jtName: string,
  ): Promise<OoError> {
    const canceled = await cancelJob(launched.job).catch(() => false);
    const flags = fields.map((f) => PROMPT_FLAGS[f] ?? `ask_${f}_on_launch`);
    // Values are left out of the error: extra vars may hold secrets.
    return new OoError(
      'OO_ERR_AWX_PROMPT_IGNORED',
      `AWX ignored ${fields.join(', ')}: enable Prompt on launch (${flags.join(', ')}) on job template ${jtName}`,
      {
        details: {
          jobTemplate: jtName,
          jobId: launched.job,
          ignoredFields: fields,
          flags,
          jobCanceled: canceled,
        },
      },
    );
  }

  const getJob = (id: number, call: CallOptions = {}): Promise<AwxJob> =>
    getJson(AwxJob, `jobs/${id}/`, call);

  /** Polls until the job is final (and its events stored, unless told otherwise); returns it. */
  async function waitForJob(id: number, wait: WaitOptions = {}): Promise<AwxJob> {
    const interval = wait.pollIntervalMs ?? 2_000;
    const deadline = wait.timeoutMs === undefined ? Number.POSITIVE_INFINITY : Date.now() + wait.timeoutMs;
    for (;;) {
      const job = await getJob(id, wait);
      wait.onPoll?.(job);
      const done =
        isTerminalStatus(job.status) &&
        (wait.untilEventsProcessed === false || job.event_processing_finished !== false);
      if (done) return job;
      if (Date.now() + interval > deadline) {
        throw new OoError('OO_ERR_TIMEOUT', `AWX job ${id} still ${job.status} after ${wait.timeoutMs} ms`, {
          retryable: true,
          details: { jobId: id, status: job.status },
        });
      }
      try {
        await sleep(interval, undefined, signalOf(wait));
      } catch {
        throw new OoError('OO_ERR_CANCELLED', `waiting for AWX job ${id} was cancelled`, {
          details: { jobId: id },
        });
      }
    }
  }

  /**
   * The job's output as text. `txt_download` (default) has no size cap; `txt` answers AWX's
   * "too large to display" sentence above 1 MiB.
   */
  async function jobStdout(
    id: number,
    call: CallOptions & { format?: 'txt' | 'txt_download' } = {},
  ): Promise<string> {
    const res = await http.send({
      method: 'GET',
      path: `jobs/${id}/stdout/`,
      query: { format: call.format ?? 'txt_download' },
      ...signalOf(call),
    });
    return res.text;
  }

  /** The job's events in counter order, page by page (`pageSize` default 200, AWX's maximum). */
  function jobEvents(
    id: number,
    call: CallOptions & { pageSize?: number; query?: Record<string, string | number> } = {},
  ): AsyncGenerator<AwxJobEvent, void, undefined> {
    const query = { order_by: 'counter', page_size: call.pageSize ?? 200, ...call.query };
    return walkPages(http, AwxJobEvent, { path: `jobs/${id}/job_events/`, query, ...signalOf(call) });
  }

  /** Asks AWX to cancel; true when accepted (202), false when the job is already final (405). */
  async function cancelJob(id: number, call: CallOptions = {}): Promise<boolean> {
    const path = `jobs/${id}/cancel/`;
    // Cancelling twice is harmless, so this POST may be retried.
    const res = await http.send({ method: 'POST', path, idempotent: true, accept: [405], ...signalOf(call) });
    return res.status === 202;
  }

  /** Relaunches a job with its original prompts; one POST, never retried (as `launch`). */
  function relaunchJob(
    id: number,
    call: CallOptions & { hosts?: 'all' | 'failed' } = {},
  ): Promise<AwxLaunchResponse> {
    return createOnce(`jobs/${id}/relaunch/`, { hosts: call.hosts ?? 'all' }, call);
  }

  /** Jobs of a template, newest first. */
  function listJobs(
    jobTemplateId: number,
    call: CallOptions & { pageSize?: number; maxPages?: number } = {},
  ): AsyncGenerator<AwxJob, void, undefined> {
    return walkPages(http, AwxJob, {
      path: `job_templates/${jobTemplateId}/jobs/`,
      query: { order_by: '-id', page_size: call.pageSize ?? 50 },
      ...(call.maxPages === undefined ? {} : { maxPages: call.maxPages }),
      ...signalOf(call),
    });
  }

  /**
   * Jobs of a template whose extra_vars carry `key` = `value` (default key `oo_task_key`), newest
   * first, among its newest `pageSize * maxPages` jobs. An exactly-once launch calls this before
   * launching again after a crash or an OO_ERR_AWX_LAUNCH_UNCONFIRMED.
   */
  async function findJobsByMarker(
    jobTemplateId: number,
    value: string,
    search: MarkerSearch = {},
  ): Promise<AwxJob[]> {
    const key = search.key ?? 'oo_task_key';
    const found: AwxJob[] = [];
    const walk = { pageSize: search.pageSize ?? 50, maxPages: search.maxPages ?? 4, ...signalOf(search) };
    for await (const job of listJobs(jobTemplateId, walk)) {
      if (jobExtraVars(job)[key] === value) found.push(job);
    }
    return found;
  }

  return {
    findJobTemplate,
    getJobTemplate: (id: number, call: CallOptions = {}): Promise<AwxJobTemplate> =>
      getJson(AwxJobTemplate, `job_templates/${id}/`, call),
    launch,
    getJob,
    waitForJob,
    jobStdout,
    jobEvents,
    canCancel: async (id: number, call: CallOptions = {}): Promise<boolean> =>
      (await getJson(AwxCancelInfo, `jobs/${id}/cancel/`, call)).can_cancel,
    cancelJob,
    relaunchJob,
    listJobs,
    findJobsByMarker,
    ...createHostApi(http),
    /** Closes the connections to AWX; in-flight requests finish first. */
    close: (): Promise<void> => http.close(),
  };
}
