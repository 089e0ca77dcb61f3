/** What the requests actor is configured with, checked once when the actor is made. */
import { KEEP_ENDED_REQUESTS_MS, OoError, StreamNames, Streams, TEMPLATE_NAME } from '@oo/contracts';
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
} as const;

/** How long a request's record is kept once it ended (ms): the option here and `oo`'s config key. */
export const KeepEndedRequestsMs = z
  .number()
  .int()
  .min(MIN_KEEP_ENDED_REQUESTS_MS, "must be at least the commands stream's max age (7 days)")
  .default(REQUESTS_DEFAULTS.keepEndedRequestsMs);

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
  })
  .strict();
export type RequestsOptions = z.input<typeof RequestsOptions>;

/** @throws OoError OO_ERR_CONFIG_INVALID naming each bad option */
export function parseRequestsOptions(options: RequestsOptions): z.output<typeof RequestsOptions> {
  const parsed = RequestsOptions.safeParse(options);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `requests.${i.path.join('.')}: ${i.message}`);
  throw new OoError('OO_ERR_CONFIG_INVALID', `invalid requests actor options: ${problems.join('; ')}`);
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
