/**
 * Requests: what a requester (a person through HTTP, or a machine through NATS) asks for, and the
 * facts the request path publishes about it.
 *
 *   oo.cmd.requests.submit   a request body, exactly as POST /v1/requests takes it; the caller's
 *                            identity in the oo-principal header; oo-request-id optional (the
 *                            gateway assigns one so it can answer 202 at once; else the requests
 *                            actor does)
 *   oo.cmd.requests.rerun    rerun an ended request (new request id, same trace id)
 *   oo.cmd.requests.cancel   cancel a request's runs
 *   oo.evt.request.<status>  accepted | rejected | running | succeeded | failed | cancelled
 */
import { z } from 'zod';
import { ErrorData, isRejection } from './errors.js';
import { Timestamp } from './ids.js';
import { OUTPUT_DOC } from './output-ref.js';
import { storableText } from './storable-text.js';
import { subject } from './subjects.js';

/** A hostname label (RFC 1123), lower-case. */
export const Hostname = z
  .string()
  .min(1)
  .max(63)
  .regex(
    /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/,
    'must be a lower-case RFC 1123 label: letters, digits, inner dashes',
  );

/** A virtual machine to build; `EXAMPLE_VM` is the seed's example. */
export const VirtualMachineSpec = z
  .object({
    type: z.literal('virtual_machine'),
    os: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[a-z0-9][a-z0-9._-]*$/, 'must be an image name like rhel9'),
    network: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[A-Za-z0-9_-]+$/, 'must be a network name like INTRANET_DEV'),
    cpu: z.number().int().min(1).max(128),
    memoryGb: z.number().int().min(1).max(4096),
    disks: z
      .array(z.object({ sizeGb: z.number().int().min(1).max(65_536) }).strict())
      .min(1, 'needs at least one disk')
      .max(16),
    hostname: Hostname.optional(),
    /** Identical VMs in one request ("20 VMs"). */
    count: z.number().int().min(1).max(100).default(1),
    /** When the VM should be decommissioned. */
    lease: z
      .object({ days: z.number().int().min(1).max(3_650) })
      .strict()
      .optional(),
    tags: z.record(z.string().regex(/^[a-z][a-z0-9_.-]{0,62}$/), z.string().max(256)).optional(),
  })
  .strict();
export type VirtualMachineSpec = z.infer<typeof VirtualMachineSpec>;

/**
 * The seed's example, "RHEL VM on INTRANET_DEV, 2 CPU, 8 GB, 100 GB disk": the example of the API
 * docs, and the VM the tests and benchmarks ask for.
 */
export const EXAMPLE_VM: z.input<typeof VirtualMachineSpec> = {
  type: 'virtual_machine',
  os: 'rhel9',
  network: 'INTRANET_DEV',
  cpu: 2,
  memoryGb: 8,
  disks: [{ sizeGb: 100 }],
};

/** A second, simple resource type: proves the drop-in handler path. */
export const DnsRecordSpec = z
  .object({
    type: z.literal('dns_record'),
    zone: z
      .string()
      .min(1)
      .max(253)
      .regex(/^[a-z0-9.-]+$/, 'must be a DNS zone like intranet.example'),
    name: Hostname,
    recordType: z.enum(['A', 'CNAME']),
    value: z.string().min(1).max(253),
    ttl: z.number().int().min(60).max(86_400).default(3_600),
  })
  .strict();
export type DnsRecordSpec = z.infer<typeof DnsRecordSpec>;

/** Every resource type the request path knows; handlers validate each against policy. */
export const ResourceSpec = z.discriminatedUnion('type', [VirtualMachineSpec, DnsRecordSpec]);
export type ResourceSpec = z.infer<typeof ResourceSpec>;

export const RequestBody = z
  .object({
    resources: z.array(ResourceSpec).min(1, 'needs at least one resource').max(50),
    /** Managed resources go through Terraform (kept in state); unmanaged through Ansible (one-shot). */
    managed: z.boolean().default(false),
    catalogItem: z.string().min(1).max(128).optional(),
    notes: z.string().max(2_000).optional(),
    /** Extra addresses to tell about this request. */
    notify: z.array(z.email()).max(10).optional(),
  })
  .strict()
  .meta({ examples: [{ resources: [EXAMPLE_VM] }] });
export type RequestBody = z.infer<typeof RequestBody>;
export type RequestBodyInput = z.input<typeof RequestBody>;

export const RequestStatus = z.enum(['accepted', 'rejected', 'running', 'succeeded', 'failed', 'cancelled']);
export type RequestStatus = z.infer<typeof RequestStatus>;

export const RerunRequest = z
  .object({
    /** The request to rerun. The new one gets the id in the oo-request-id header. */
    requestId: z.string().min(1),
    mode: z.enum(['resume', 'restart']),
    /** Edited body; the original when absent. Re-validated. */
    body: RequestBody.optional(),
  })
  .strict();
export type RerunRequest = z.infer<typeof RerunRequest>;

export const CancelRequest = z
  .object({ requestId: z.string().min(1), reason: z.string().max(1_000).default('cancelled') })
  .strict();
export type CancelRequest = z.infer<typeof CancelRequest>;

/** Why a request is not allowed: each failing field (`resources.0.cpu`) and the rule it breaks. */
const Reasons = z.array(z.object({ path: z.string(), message: z.string() }));

/**
 * The reasons a run's error rejects its request with (`details.reasons` of a code that `rejects`);
 * undefined when the error is no rejection, so the request simply failed.
 */
export function rejectionReasons(error: ErrorData | undefined): z.infer<typeof Reasons> | undefined {
  if (!error || !isRejection(error.code)) return undefined;
  const reasons = Reasons.safeParse(error.details?.reasons);
  return reasons.success && reasons.data.length > 0
    ? reasons.data
    : [{ path: '(request)', message: error.message }];
}

/** A fact about a request; the ledger folds these into the `requests` table. */
export const RequestEvent = z
  .object({
    requestId: z.string(),
    traceId: z.string(),
    status: RequestStatus,
    /** Who asked: the principal's subject (user or service name). */
    submittedBy: z.string(),
    /** What was asked for, on `accepted` and `rejected`; absent when the body broke its schema. */
    body: RequestBody.optional(),
    template: z.string().optional(),
    runId: z.string().optional(),
    /** Where the request file is, in the file store. */
    fileUrl: z.string().optional(),
    rerunOf: z.string().optional(),
    /** Every reason, for a rejection (before its run, or by its run: see rejectionReasons). */
    reasons: Reasons.optional(),
    error: ErrorData.optional(),
    output: z.unknown().optional().describe(OUTPUT_DOC),
    at: Timestamp,
  })
  .strict();
export type RequestEvent = z.infer<typeof RequestEvent>;

/**
 * The commands take text PostgreSQL can store only: any NATS client may publish them, and what they
 * carry ends in the read model. Their events need no such check: they carry what a command brought.
 */
export const RequestSubjects = {
  submit: subject('oo.cmd.requests.submit', storableText(RequestBody), { needsCaller: true }),
  rerun: subject('oo.cmd.requests.rerun', storableText(RerunRequest), { needsCaller: true }),
  cancel: subject('oo.cmd.requests.cancel', storableText(CancelRequest), { needsCaller: true }),
  events: subject('oo.evt.request.*', RequestEvent, { pattern: true }),
} as const;

export function requestEventSubject(status: RequestStatus) {
  return subject(`oo.evt.request.${status}`, RequestEvent);
}
