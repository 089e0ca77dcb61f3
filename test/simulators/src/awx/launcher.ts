/**
 * Creating a job from a template (launch) or from an earlier job (relaunch): pick its outcome
 * (the launch's `oo_sim_outcome` extra var, else the template's scripted queue, else the template's
 * default), store it, count it, set its clock going, and answer 201 with `Location` and the job.
 */

import { json, type SimRequest, type SimResponse } from './responses.js';
import type { RouteContext } from './route.js';
import { jobJson } from './serializers.js';
import type { AwxSimJobTemplate } from './store.js';
import type { AwxSimJob, AwxSimJobPrompts, AwxSimOutcome } from './types.js';

export interface NewJob {
  prompts: AwxSimJobPrompts;
  launchType: AwxSimJob['launch_type'];
  requestedOutcome: AwxSimOutcome | undefined;
  relaunchedFrom?: number;
}

export function createJob(ctx: RouteContext, jt: AwxSimJobTemplate, spec: NewJob): AwxSimJob {
  const stamp = ctx.store.now();
  const outcome = spec.requestedOutcome ?? jt.scriptedOutcomes.shift() ?? jt.outcome;
  const job: AwxSimJob = {
    id: ctx.store.nextJobId(),
    job_template: jt.id,
    name: jt.name,
    prompts: spec.prompts,
    launch_type: spec.launchType,
    status: 'new',
    history: ['new'],
    outcome,
    requestedOutcome: spec.requestedOutcome,
    created: stamp,
    modified: stamp,
    started: null,
    finished: null,
    startedMs: null,
    finishedMs: null,
    canceled_on: null,
    job_explanation: '',
    result_traceback: '',
    event_processing_finished: false,
    artifacts: {},
    host_status_counts: null,
    events: [],
    relaunched_from: spec.relaunchedFrom ?? null,
  };
  ctx.store.jobs.set(job.id, job);
  if (spec.launchType === 'manual') ctx.store.countLaunch(jt.id);
  ctx.lifecycle.start(job);
  return job;
}

/** 201 with the absolute `Location` of the job and the job itself, `job` (and extras) first. */
export function jobCreated(
  ctx: RouteContext,
  req: SimRequest,
  job: AwxSimJob,
  leading: Record<string, unknown> = {},
): SimResponse {
  const body = { job: job.id, ...leading, ...jobJson(req.prefix, ctx.store, job, 'detail') };
  return json(201, body, { location: `${req.origin}${req.prefix}jobs/${job.id}/` });
}
