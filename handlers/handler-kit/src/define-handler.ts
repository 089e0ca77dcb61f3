/**
 * A resource handler: the code that knows one resource type. RFM runs it for each resource of a
 * request: `spec` parses the resource, `validate` checks it against the policy (pure, every reason at
 * once), `enrich` turns it into complete common-format resources with what RFM allocates (addresses,
 * names, placement), and `repoMetadata` describes the commit for the wrappers (`oo-repo.json`).
 *
 * ```ts
 * export const dnsRecordHandler = defineHandler({ type: 'dns_record', spec: DnsRecordSpec, ... });
 * ```
 */
import type { CommonResource, RepoMetadata } from '@oo/contracts';
import type { z } from 'zod';
import type { Policy } from './policy.js';

/** One thing wrong with a resource: `path` is relative to the resource (`cpu`, `disks.0.sizeGb`). */
export interface Reason {
  readonly path: string;
  readonly message: string;
}

/** An address RFM allocated for a resource, with what a host needs to use it. */
export interface AllocatedAddress {
  readonly network: string;
  readonly ip: string;
  readonly prefixLength: number;
  readonly gateway: string;
  readonly dns: readonly string[];
  readonly vlan?: number;
}

export interface Placement {
  readonly cluster: string;
  readonly datastore: string;
}

/** Who asked what, from the request file. */
export interface RequestInfo {
  readonly requestId: string;
  readonly traceId: string;
  readonly submittedBy: string;
  /** RFC 3339; resources use it as `createdAt`, so a redelivered task writes the same bytes. */
  readonly submittedAt: string;
  readonly managed: boolean;
}

/**
 * What `enrich` gets. Every allocation is idempotent per (request, resource index, `ordinal`) — the
 * n-th instance of a batch resource — so a redelivered task gets the same answers. Allocations fail
 * with an OoError carrying `details.reason` (`{ path, message }`) when the policy cannot satisfy them.
 */
export interface HandlerContext {
  readonly policy: Policy;
  readonly request: RequestInfo;
  /** Index of this resource in the request's `resources`. */
  readonly index: number;
  /** The lowest free address of `network` (never its network, broadcast, gateway, DNS or reserved ones). */
  allocateIp(network: string, ordinal: number): Promise<AllocatedAddress>;
  /**
   * A unique name: `requested` when given (fails when another request holds it), else the configured
   * pattern (`{env}-{os}-{seq:4}`) rendered with `parts` and the next free sequence number.
   */
  nameFor(input: {
    ordinal: number;
    requested?: string;
    parts?: Record<string, string>;
    /** The field a "name taken" rejection names (default `name`). */
    field?: string;
  }): Promise<string>;
  /** An allowed cluster x datastore pair, by RFM's placement rule. */
  place(ordinal: number): Promise<Placement>;
}

export interface ResourceHandler<S = unknown> {
  /** The `type` of the resources it handles, and the name of their repository. */
  readonly type: string;
  readonly spec: z.ZodType<S>;
  /** Every way `spec` breaks `policy`; empty when it fits. Pure. */
  validate(spec: S, policy: Policy): Reason[];
  /** The complete resources (several for a batch, `count`). */
  enrich(spec: S, ctx: HandlerContext): Promise<CommonResource[]>;
  /** `oo-repo.json` for a commit holding `resources`. */
  repoMetadata(resources: readonly CommonResource[], managed: boolean): RepoMetadata;
}

const TYPE = /^[a-z][a-z0-9_]{0,62}$/;

/** Checks the type name and freezes the handler; throws on a bad type name. */
export function defineHandler<S>(handler: ResourceHandler<S>): ResourceHandler<S> {
  if (!TYPE.test(handler.type)) {
    throw new Error(
      `handler type "${handler.type}" must be lower-case words joined by _, like virtual_machine`,
    );
  }
  return Object.freeze({ ...handler });
}
