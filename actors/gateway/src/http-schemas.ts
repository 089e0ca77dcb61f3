/**
 * The zod schemas of the HTTP API that are not message bodies: path, query and header parameters
 * and the answers. Each validates the call and is the source of the OpenAPI document; the ones
 * `registerApiSchemas` names become components there.
 */
import {
  DeadLetter,
  Permissions,
  Policy,
  PolicyImage,
  PolicyRecord,
  PresenceEntry,
  RequestBody,
  RequestStatus,
  ResourceSpec,
  Role,
  SizeBounds,
} from '@oo/contracts';
import { Cursor, EventRecord, RequestPage, RequestSummary, RequestView } from '@oo/read-model';
import { ACTOR_NAME } from '@oo/runtime';
import { z } from 'zod';
import { Problem } from './problem.js';

/** The request ids the request path accepts (see the requests actor): safe as keys and file names. */
const REQUEST_ID = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;
export const MAX_REQUEST_ID_LENGTH = 128;

export const RequestId = z
  .string()
  .max(MAX_REQUEST_ID_LENGTH, `must be at most ${MAX_REQUEST_ID_LENGTH} characters`)
  .regex(REQUEST_ID, 'must be a request id like req_01J…: letters, digits, _ and -, dot-separated');

export const RequestIdParams = z.object({ id: RequestId });

export const Links = z.object({
  self: z.string().describe('The request (GET)'),
  events: z.string().describe('Its events as Server-Sent Events, history then live'),
  logs: z.string().describe('Its stored events as JSON pages'),
});

/** A request as GET /v1/requests/:id answers it: the read model's view and where to go from it. */
export const RequestDetail = RequestView.extend({
  links: Links.extend({
    trace: z.string().optional().describe('Where its trace is shown (Jaeger), when the gateway knows'),
  }),
});

export const Accepted = z.object({
  requestId: z.string(),
  traceId: z.string().describe('The trace every message about this request carries'),
  status: z.literal('accepted'),
  rerunOf: z.string().optional(),
  links: Links,
});
export type Accepted = z.infer<typeof Accepted>;

export const CancelRequested = z.object({
  requestId: z.string(),
  traceId: z.string(),
  status: z.literal('cancel-requested'),
  links: Links,
});

const idempotencyKey = z
  .string()
  .min(1)
  .max(255, 'must be at most 255 characters')
  .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces');

export const SubmitHeaders = z.looseObject({ 'idempotency-key': idempotencyKey.optional() });

export const ListQuery = z.object({
  status: RequestStatus.optional(),
  mine: z.enum(['true', 'false']).optional().describe('Only my requests (always so for requesters)'),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z
    .string()
    .max(512)
    .refine((value) => Cursor.safeParse(value).success, 'is not a cursor this API returned')
    .optional()
    .describe('nextCursor of the previous page'),
});

export const RerunBody = z
  .object({
    mode: z.enum(['resume', 'restart']).describe('resume keeps what succeeded; restart runs everything'),
    body: RequestBody.optional().describe('An edited body; the original one when absent'),
  })
  .strict();

/** Optional: a POST without a body cancels with the default reason. */
export const CancelBody = z
  .object({ reason: z.string().max(1_000).optional() })
  .strict()
  .nullish();

const eventSeq = z.string().regex(/^\d{1,15}$/, 'must be the id (a sequence number) of an event received');

export const EventsHeaders = z.looseObject({ 'last-event-id': eventSeq.optional() });
export const EventsQuery = z.object({
  lastEventId: eventSeq.optional().describe('For clients that cannot send the Last-Event-ID header'),
});

export const LogsQuery = z.object({
  after: z.coerce.number().int().min(0).default(0).describe('Events with a sequence above this'),
  limit: z.coerce.number().int().min(1).max(1_000).default(200),
});
export const EventPage = z.object({
  items: z.array(EventRecord),
  /** Pass back as `after` for the next page; null on the last page. */
  nextAfter: z.number().int().nullable(),
});

export const TemplateSummary = z.object({
  name: z.string(),
  version: z.number().int(),
  description: z.string(),
});
export const Catalog = z.object({ items: z.array(z.string()) });
export const Me = z.object({
  name: z.string(),
  role: Role,
  permissions: z.array(z.enum(Object.keys(Permissions) as [keyof typeof Permissions])),
});
/**
 * What a request form may offer, read from the policy: the values a requester may choose, without
 * what only admins see (addresses, clusters, datastores).
 */
export const FormOptions = z.object({
  policyVersion: z.number().int(),
  /** The resource types a request may ask for, and whether managed, unmanaged or both. */
  resourceTypes: z.record(z.string(), z.object({ managed: z.boolean(), unmanaged: z.boolean() })),
  virtualMachine: z.object({
    images: z.array(PolicyImage),
    networks: z.array(z.object({ name: z.string(), env: z.string() })),
    cpu: SizeBounds,
    memoryGb: SizeBounds,
    diskGb: SizeBounds,
    disks: SizeBounds,
  }),
  dnsZones: z.array(z.string()),
  /**
   * The inventory the networks were narrowed by (only those it lists are offered), or null: none
   * configured, or unreadable now (then every network the policy permits is offered).
   */
  inventory: z.object({ source: z.string(), fetchedAt: z.string() }).nullable(),
});
export type FormOptions = z.infer<typeof FormOptions>;
export const Templates = z.object({ items: z.array(TemplateSummary) });
export const Presence = z.object({ items: z.array(PresenceEntry) });

export const DeadLettersQuery = z.object({
  actor: z
    .string()
    .regex(ACTOR_NAME, 'an actor name is 1-64 of A-Z a-z 0-9 _ -')
    .optional()
    .describe("Only this actor's letters"),
  since: z.iso.datetime({ offset: true }).optional().describe('Only letters stored at or after this time'),
  after: z.coerce.number().int().min(0).optional().describe('Only letters after this sequence (to page on)'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export const DeadLetterPage = z.object({
  /** Oldest first, each with its sequence in the dead-letter stream. */
  items: z.array(
    DeadLetter.extend({
      seq: z.number().int(),
      /** Why sending it again would be refused; null when it can be. */
      cannotReplay: z.string().nullable(),
    }),
  ),
  /** Pass back as `after` for the next page; null on the last page. */
  nextAfter: z.number().int().nullable(),
});
export const DeadLetterParams = z.object({
  seq: z
    .string()
    .regex(/^[1-9][0-9]{0,14}$/, 'a letter’s sequence: a whole number from 1, in digits')
    .transform(Number)
    .describe('The letter’s sequence (`seq` of GET /v1/dead-letters)'),
});
export const DeadLetterReplayed = z.object({
  seq: z.number().int(),
  subject: z.string(),
  /** Where the message was stored again. */
  stream: z.string(),
  streamSeq: z.number().int(),
  /** Already sent again from this letter within the stream's duplicate window: not sent twice. */
  duplicate: z.boolean(),
  /** The letter was taken out of the dead letters (false: it stays, replay it no more). */
  removed: z.boolean(),
  /** The trace the message belongs to, when it had one. */
  traceId: z.string().optional(),
});

/**
 * `If-Match` of `PUT /v1/policy`: the ETag `GET /v1/policy` answered (`"<version>"`), or `*` (any
 * version). Strong tags only: a policy version is exact.
 */
export const PolicyHeaders = z.looseObject({
  'if-match': z
    .string()
    .regex(/^(\*|"[1-9][0-9]{0,8}")$/, 'must be the ETag GET /v1/policy answered ("<version>"), or *')
    .optional()
    .describe('Replace only this version; 412 when the policy has moved on'),
});

/** The version an If-Match names; undefined for `*` or none. */
export function ifMatchVersion(header: string | undefined): number | undefined {
  return header === undefined || header === '*' ? undefined : Number(header.slice(1, -1));
}

export function policyEtag(version: number): string {
  return `"${version}"`;
}

export const Health = z.object({ status: z.literal('ok') });
export const Ready = z.object({
  status: z.literal('ready'),
  checks: z.object({ nats: z.literal('ok'), database: z.literal('ok') }),
});

/**
 * Schemas shown as named components of the OpenAPI document. The ids go into zod's global registry,
 * where `.describe()` keeps field descriptions too, so the document carries both. (A side effect
 * for this process: `z.toJSONSchema` of these schemas now makes `$ref`s to the named ones.)
 */
export function registerApiSchemas(): void {
  const named = {
    RequestBody,
    ResourceSpec,
    Accepted,
    Problem,
    RequestView,
    RequestDetail,
    RequestSummary,
    RequestPage,
    EventRecord,
    PresenceEntry,
    Policy,
    PolicyRecord,
  };
  for (const [id, schema] of Object.entries(named)) {
    const known = z.globalRegistry.get(schema)?.id;
    if (known === undefined) z.globalRegistry.add(schema, { ...z.globalRegistry.get(schema), id });
    else if (known !== id) throw new Error(`schema ${id} is registered already as ${known}`);
  }
}

/** Error answers of a route, for the OpenAPI document (and serialised as problem+json). */
export function problems(...statuses: number[]) {
  return Object.fromEntries(
    statuses.map((status) => [
      status,
      {
        description: 'Problem details (RFC 9457)',
        content: { 'application/problem+json': { schema: Problem } },
      },
    ]),
  );
}
