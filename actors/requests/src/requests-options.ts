/** What the requests actor is configured with, checked once when the actor is made. */
import {
  issuesText,
  KEEP_ENDED_REQUESTS_MS,
  KEEP_ENDED_RUNS_MS,
  OoError,
  StreamNames,
  Streams,
  schemaIssues,
  TEMPLATE_NAME,
} from '@oo/contracts';
import type { ActorEnv, ObjectFiles, PrincipalTokens } from '@oo/runtime';
import { z } from 'zod';
import type { RequestRecords } from './request-records.js';
import type { RequestRules } from './request-validation.js';

const TemplateName = z.string().regex(TEMPLATE_NAME, 'must be a template name');

const DAY_MS = 24 * 60 * 60_000;

/**
 * The shortest time an ended request's record may be kept: as long as the commands stream keeps a
 * submit or rerun, which may be delivered again until then. A repeat finds the record and does
 * nothing; without it, it would take the request in again and start a second run.
 */
const MIN_KEEP_ENDED_REQUESTS_MS =
  Streams.find((s) => s.name === StreamNames.commands)?.maxAgeMs ?? 7 * DAY_MS;

/** The requests actor's timings where its options leave them out; `oo`'s config defaults to the same. */
export const REQUESTS_DEFAULTS = {
  /**
   * 30 days, as long as the engine keeps the ended run, the events stream its events and task
   * variables their values. A rerun needs the record (body, requester, run); a `resume` needs the
   * run too, so it works until both go, at about the same time. A `restart` needs only the record:
   * past this it is refused as well, and the request is submitted again. Cancel and late run events
   * only touch requests in progress, which are kept whatever their age. The read model keeps the
   * request's history.
   */
  keepEndedRequestsMs: KEEP_ENDED_REQUESTS_MS,
  retentionIntervalMs: 60 * 60_000,
  /** As often as the engine's reconciler looks for runs that stopped moving. */
  reconcileIntervalMs: 60_000,
  /**
   * 5 minutes, as the engine's `stuckAfterMs`: a handler dispatches a record within a second of
   * making it, so one left undispatched this long has lost its handler (a crash, a dead letter).
   */
  dispatchGraceMs: 5 * 60_000,
  keepEndedRunsMs: KEEP_ENDED_RUNS_MS,
} as const;

/** How long a request's record is kept once it ended (ms): the option here and `oo`'s config key. */
export const KeepEndedRequestsMs = z
  .number()
  .int()
  .min(MIN_KEEP_ENDED_REQUESTS_MS, "must be at least the commands stream's max age (7 days)")
  .default(REQUESTS_DEFAULTS.keepEndedRequestsMs);

/** How often the reconciler looks for records left undispatched (ms): the option and `oo`'s key. */
export const ReconcileIntervalMs = z
  .number()
  .int()
  .min(100, 'must be at least 100')
  .default(REQUESTS_DEFAULTS.reconcileIntervalMs);

/** How long a record may wait for its handler's dispatch before the reconciler does it (ms). */
export const DispatchGraceMs = z
  .number()
  .int()
  .min(60_000, 'must be at least a minute (60000), so a handler still dispatching is left to finish')
  .default(REQUESTS_DEFAULTS.dispatchGraceMs);

export const RequestsOptions = z
  .object({
    /** Resource type -> the template that builds it, managed (Terraform) and unmanaged (Ansible). */
    templates: z.record(
      z.string().min(1),
      z.object({ managed: TemplateName.optional(), unmanaged: TemplateName.optional() }).strict(),
    ),
    /** Base URL of the filestore's HTTP API, as the request file's readers reach it. */
    filestoreUrl: z.url(),
    notify: z.object({ defaultTo: z.array(z.email()) }).strict(),
    /** When set, a request must name one of these catalog items. */
    catalog: z.array(z.string().min(1)).optional(),
    /** How long a request's record is kept once it ended (ms); a rerun needs it. */
    keepEndedRequestsMs: KeepEndedRequestsMs,
    /** How often to look for ended requests to remove (ms); the first look is a minute after start. */
    retentionIntervalMs: z.number().int().positive().default(REQUESTS_DEFAULTS.retentionIntervalMs),
    /** How often to look for records left undispatched (ms); the first look is a second after start. */
    reconcileIntervalMs: ReconcileIntervalMs,
    /** How long a record may wait, since it was last written, for its handler's dispatch (ms). */
    dispatchGraceMs: DispatchGraceMs,
    /**
     * The engine's `engine.keepEndedRunsMs`: a start for a run the engine keeps does nothing, so the
     * reconciler sends one only while the request is younger than this (request-reconciler.ts).
     */
    keepEndedRunsMs: z
      .number()
      .int()
      .min(60 * 60_000, 'must be at least an hour, as engine.keepEndedRunsMs')
      .default(REQUESTS_DEFAULTS.keepEndedRunsMs),
  })
  .strict();
export type RequestsOptions = z.input<typeof RequestsOptions>;

/** @throws OoError OO_ERR_CONFIG_INVALID naming each bad option */
export function parseRequestsOptions(options: RequestsOptions): z.output<typeof RequestsOptions> {
  const parsed = RequestsOptions.safeParse(options);
  if (parsed.success) return parsed.data;
  const issues = schemaIssues(parsed.error, ['requests']);
  throw new OoError('OO_ERR_CONFIG_INVALID', `invalid requests actor options: ${issuesText(issues)}`, {
    details: { issues },
  });
}

/** Everything the handlers share, made once per instance in `setup`. */
export interface RequestsDeps {
  readonly rules: RequestRules;
  readonly filestoreUrl: string;
  readonly defaultTo: readonly string[];
  readonly tokens: PrincipalTokens;
  readonly records: RequestRecords;
  readonly files: ObjectFiles;
  readonly tracer: ActorEnv['tracer'];
  /** A principal token naming this actor, for what it does on its own account (run-event follow-ups). */
  serviceToken(): Promise<string>;
}
