/**
 * The AWX objects the client reads, as zod schemas. Field names are AWX's own (snake_case) so AWX's
 * API documentation applies unchanged; objects are loose (unknown fields kept), and only the fields
 * OO relies on are checked. A response that does not match is `OO_ERR_AWX_BAD_RESPONSE`.
 */
import { z } from 'zod';

export const AWX_JOB_STATUSES = [
  'new',
  'pending',
  'waiting',
  'running',
  'successful',
  'failed',
  'error',
  'canceled',
] as const;

export const AwxJobStatus = z.enum(AWX_JOB_STATUSES);
export type AwxJobStatus = z.infer<typeof AwxJobStatus>;

const TERMINAL: ReadonlySet<AwxJobStatus> = new Set(['successful', 'failed', 'error', 'canceled']);

/** `successful`, `failed`, `error` and `canceled` are final. */
export function isTerminalStatus(status: AwxJobStatus): boolean {
  return TERMINAL.has(status);
}

const id = z.number().int().positive();

export const AwxJobTemplate = z.looseObject({
  id,
  type: z.literal('job_template'),
  name: z.string(),
  organization: id.nullable().optional(),
  inventory: id.nullable(),
  extra_vars: z.string().optional(),
  survey_enabled: z.boolean().optional(),
  ask_variables_on_launch: z.boolean(),
  ask_limit_on_launch: z.boolean(),
  ask_inventory_on_launch: z.boolean(),
  ask_credential_on_launch: z.boolean(),
  related: z.record(z.string(), z.unknown()).optional(),
});
export type AwxJobTemplate = z.infer<typeof AwxJobTemplate>;

export const AwxJob = z.looseObject({
  id,
  type: z.literal('job'),
  name: z.string(),
  status: AwxJobStatus,
  failed: z.boolean(),
  started: z.string().nullable(),
  finished: z.string().nullable(),
  elapsed: z.number(),
  /** JSON text, not an object: parse it with `jobExtraVars`. */
  extra_vars: z.string(),
  limit: z.string().optional(),
  inventory: id.nullable().optional(),
  job_template: id.nullable(),
  launch_type: z.string(),
  job_explanation: z.string().optional(),
  canceled_on: z.string().nullable().optional(),
  artifacts: z.unknown().optional(),
  host_status_counts: z.record(z.string(), z.number()).nullable().optional(),
  /** Detail view only: false until every event is stored (stdout may lag until then). */
  event_processing_finished: z.boolean().optional(),
  /** Detail view only. */
  result_traceback: z.string().optional(),
});
export type AwxJob = z.infer<typeof AwxJob>;

/** A launch or relaunch answer: the new job plus `job` and, for a launch, `ignored_fields`. */
export const AwxLaunchResponse = AwxJob.extend({
  job: id,
  ignored_fields: z.record(z.string(), z.unknown()).optional(),
});
export type AwxLaunchResponse = z.infer<typeof AwxLaunchResponse>;

export const AwxJobEvent = z.looseObject({
  id,
  job: id.nullable().optional(),
  event: z.string(),
  counter: z.number().int(),
  failed: z.boolean(),
  changed: z.boolean(),
  host_name: z.string().optional(),
  task: z.string().optional(),
  stdout: z.string(),
  start_line: z.number().int(),
  end_line: z.number().int(),
  event_data: z.record(z.string(), z.unknown()).optional(),
  created: z.string().optional(),
});
export type AwxJobEvent = z.infer<typeof AwxJobEvent>;

export const AwxHost = z.looseObject({
  id,
  type: z.literal('host'),
  name: z.string(),
  inventory: id,
  enabled: z.boolean(),
  description: z.string().optional(),
  instance_id: z.string().optional(),
  /** JSON or YAML text. */
  variables: z.string(),
});
export type AwxHost = z.infer<typeof AwxHost>;

/** The list envelope; `next`/`previous` are relative paths with their query. */
export function paginated<T extends z.ZodType>(item: T) {
  return z.object({
    count: z.number().int().optional(),
    next: z.string().nullable().optional(),
    previous: z.string().nullable().optional(),
    results: z.array(item),
  });
}

export const AwxCancelInfo = z.looseObject({ can_cancel: z.boolean() });

/** What `launch` accepts; each field is only honoured when the template prompts for it. */
export const AwxLaunchRequest = z.object({
  extraVars: z.record(z.string(), z.unknown()).optional(),
  /** Host pattern (`ask_limit_on_launch`). */
  limit: z.string().optional(),
  /** Inventory id (`ask_inventory_on_launch`). */
  inventory: id.optional(),
  /** Credential ids (`ask_credential_on_launch`). */
  credentials: z.array(id).optional(),
  jobTags: z.string().optional(),
  skipTags: z.string().optional(),
});
export type AwxLaunchRequest = z.infer<typeof AwxLaunchRequest>;

/** Parses a job's `extra_vars` text; `{}` when it is empty or not a JSON object (YAML is not read). */
export function jobExtraVars(job: Pick<AwxJob, 'extra_vars'>): Record<string, unknown> {
  if (job.extra_vars.trim() === '') return {};
  try {
    const parsed: unknown = JSON.parse(job.extra_vars);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}
