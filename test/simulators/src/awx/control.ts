/**
 * The test's side door: launch counts per template, jobs with their extra vars (to catch duplicate
 * launches), scripted outcomes, faults, template patches and a request log. Offered in-process as a
 * typed handle and over HTTP under `/_sim/` (outside the API prefix, unauthenticated):
 *
 * | method | path | body / answer |
 * | --- | --- | --- |
 * | GET | `/_sim/launches` | `{ counts: { <template name>: n } }` |
 * | GET | `/_sim/jobs?job_template=<name>` | `{ jobs: AwxSimJobSummary[] }` |
 * | POST | `/_sim/outcomes` | `{ jobTemplate, outcome, times? }` |
 * | GET, POST, DELETE | `/_sim/faults` | list / add an `AwxSimFault` (`path` as RegExp source) / clear |
 * | PATCH | `/_sim/job_templates/<name>` | `AwxSimJobTemplatePatch` |
 * | GET | `/_sim/requests` | `{ requests: AwxSimRequestRecord[] }` |
 */
import type { RequestFilter, RequestLog } from '../request-log.js';
import type { AwxSimFaultState, FaultRegistry } from './faults.js';
import { json, type SimResponse } from './responses.js';
import type { AwxSimJobTemplate, AwxSimStore } from './store.js';
import {
  AWX_SIM_OUTCOMES,
  type AwxSimFault,
  type AwxSimJob,
  type AwxSimJobStatus,
  type AwxSimJobTemplateSeed,
  type AwxSimOutcome,
  type AwxSimPromptFlags,
} from './types.js';

export interface AwxSimJobSummary {
  id: number;
  jobTemplate: string;
  jobTemplateId: number;
  status: AwxSimJobStatus;
  /** Every status the job has had, in order. */
  history: AwxSimJobStatus[];
  launchType: 'manual' | 'relaunch';
  /** The job's effective extra vars (template, survey defaults, accepted runtime vars). */
  extraVars: Record<string, unknown>;
  limit: string;
  outcome: AwxSimOutcome;
  eventProcessingFinished: boolean;
  relaunchedFrom: number | null;
}

export interface AwxSimRequestRecord {
  method: string;
  /** Path and query as received. */
  path: string;
  /** The status answered, or `reset` when the connection was dropped. */
  status: number | 'reset';
  /** Id of the fault rule that caught the request, if any. */
  fault: number | null;
}

export interface AwxSimJobTemplatePatch extends Partial<AwxSimPromptFlags> {
  outcome?: AwxSimOutcome;
  forbidden?: boolean;
  tasks?: number;
  artifacts?: Record<string, unknown>;
  extra_vars?: Record<string, unknown>;
}

/** The in-process control handle returned by `startAwxSimulator`. */
export interface AwxSimulatorControl {
  /** Jobs created by `POST .../launch/` for the template (relaunches not counted). 0 for unknown names. */
  launchCount(jobTemplate: string): number;
  /** Launch counts of every template, by name. */
  launchCounts(): Record<string, number>;
  /** Jobs, oldest first, optionally of one template. */
  jobs(filter?: { jobTemplate?: string }): AwxSimJobSummary[];
  job(id: number): AwxSimJobSummary | undefined;
  /**
   * Outcome of the template's next `times` launches; without `times`, of all its later launches.
   * A launch's own `oo_sim_outcome` extra var still wins. Throws on an unknown template.
   */
  scriptOutcome(jobTemplate: string, outcome: AwxSimOutcome, options?: { times?: number }): void;
  /** Adds a fault rule; returns its id. */
  injectFault(fault: AwxSimFault): number;
  faults(): AwxSimFaultState[];
  clearFaults(): void;
  /** Changes a template (e.g. `ask_variables_on_launch: false` so launches ignore extra_vars). */
  updateJobTemplate(jobTemplate: string, patch: AwxSimJobTemplatePatch): void;
  /** Adds a template; returns its id. */
  addJobTemplate(seed: AwxSimJobTemplateSeed): number;
  /** Host names of an inventory. */
  hosts(inventory: string): string[];
  /** Requests received, oldest first (`/_sim/` ones excluded). */
  requests(filter?: RequestFilter): AwxSimRequestRecord[];
}

export function createControl(
  store: AwxSimStore,
  faults: FaultRegistry,
  requestLog: RequestLog<AwxSimRequestRecord>,
): AwxSimulatorControl {
  const template = (name: string): AwxSimJobTemplate => {
    const jt = store.findJobTemplate(name);
    if (jt === undefined) throw new Error(`awx simulator: unknown job template "${name}"`);
    return jt;
  };
  const summary = (job: AwxSimJob): AwxSimJobSummary => ({
    id: job.id,
    jobTemplate: job.name,
    jobTemplateId: job.job_template,
    status: job.status,
    history: [...job.history],
    launchType: job.launch_type,
    extraVars: structuredClone(job.prompts.extra_vars),
    limit: job.prompts.limit,
    outcome: job.outcome,
    eventProcessingFinished: job.event_processing_finished,
    relaunchedFrom: job.relaunched_from,
  });

  return {
    launchCount(name) {
      const jt = store.findJobTemplate(name);
      return jt === undefined ? 0 : store.launchCount(jt.id);
    },
    launchCounts() {
      return Object.fromEntries(
        [...store.jobTemplates.values()].map((jt) => [jt.name, store.launchCount(jt.id)]),
      );
    },
    jobs(filter = {}) {
      return [...store.jobs.values()]
        .filter((job) => filter.jobTemplate === undefined || job.name === filter.jobTemplate)
        .map(summary);
    },
    job(id) {
      const job = store.jobs.get(id);
      return job === undefined ? undefined : summary(job);
    },
    scriptOutcome(name, outcome, options = {}) {
      if (!AWX_SIM_OUTCOMES.includes(outcome)) throw new Error(`awx simulator: unknown outcome "${outcome}"`);
      const jt = template(name);
      if (options.times === undefined) jt.outcome = outcome;
      else for (let i = 0; i < options.times; i++) jt.scriptedOutcomes.push(outcome);
    },
    injectFault: (fault) => faults.add(fault),
    faults: () => faults.list(),
    clearFaults: () => faults.clear(),
    updateJobTemplate(name, patch) {
      const jt = template(name);
      const { extra_vars, artifacts, ...rest } = patch;
      Object.assign(jt, rest);
      if (extra_vars !== undefined) jt.extra_vars = { ...extra_vars };
      if (artifacts !== undefined) jt.artifacts = { ...artifacts };
      jt.modified = store.now();
    },
    addJobTemplate: (seed) => store.addJobTemplate(seed).id,
    hosts(inventory) {
      const inv = [...store.inventories.values()].find((i) => i.name === inventory);
      if (inv === undefined) throw new Error(`awx simulator: unknown inventory "${inventory}"`);
      return [...store.hosts.values()].filter((h) => h.inventory === inv.id).map((h) => h.name);
    },
    requests: (filter) => requestLog.find(filter),
  };
}

/** Serves the control handle under `/_sim/`; errors from the handle answer 400 with their message. */
export function controlRoute(
  control: AwxSimulatorControl,
  method: string,
  url: URL,
  body: unknown,
): SimResponse {
  const path = url.pathname.replace(/\/+$/, '');
  const data = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  try {
    if (method === 'GET' && path === '/_sim/launches') return json(200, { counts: control.launchCounts() });
    if (method === 'GET' && path === '/_sim/jobs') {
      const jobTemplate = url.searchParams.get('job_template') ?? undefined;
      return json(200, { jobs: control.jobs(jobTemplate === undefined ? {} : { jobTemplate }) });
    }
    if (method === 'POST' && path === '/_sim/outcomes') {
      const times = typeof data.times === 'number' ? { times: data.times } : {};
      control.scriptOutcome(String(data.jobTemplate), data.outcome as AwxSimOutcome, times);
      return json(200, { ok: true });
    }
    if (path === '/_sim/faults') {
      if (method === 'GET') return json(200, { faults: control.faults() });
      if (method === 'POST') return json(201, { id: control.injectFault(data as unknown as AwxSimFault) });
      if (method === 'DELETE') {
        control.clearFaults();
        return { status: 204 };
      }
    }
    const jt = /^\/_sim\/job_templates\/([^/]+)$/.exec(path);
    if (method === 'PATCH' && jt !== null) {
      control.updateJobTemplate(decodeURIComponent(jt[1] ?? ''), data as AwxSimJobTemplatePatch);
      return json(200, { ok: true });
    }
    if (method === 'GET' && path === '/_sim/requests') return json(200, { requests: control.requests() });
  } catch (error) {
    return json(400, { detail: error instanceof Error ? error.message : String(error) });
  }
  return json(404, { detail: 'Not found.' });
}
