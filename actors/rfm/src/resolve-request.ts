/**
 * From a request file to complete common-format resources: each resource goes to its type's handler,
 * which checks it against the policy, then enriches it with addresses, names and placement. Every
 * reason of every resource is collected; if there is any, whatever the request was allocated is
 * released and the request is rejected with all of them (OO_ERR_RFM_REJECTED, `details.reasons`).
 */
import { CommonResource, schemaReasons } from '@oo/contracts';
import type { Db } from '@oo/read-model';
import type { HandlerRegistry } from './handler-registry.js';
import { allocateAddress } from './ipam.js';
import { claimName } from './naming.js';
import { placeResource } from './placement.js';
import type { HandlerContext, Policy, Reason, RequestInfo, ResourceHandler } from './policy-types.js';
import { joinPath } from './reasons.js';
import { releaseRequest } from './release.js';
import type { RequestFile } from './request-file.js';
import { reasonsOf, rejection, rfmError } from './rfm-errors.js';

export interface ResolveDeps {
  readonly db: Db;
  readonly handlers: HandlerRegistry;
  /** Host name pattern, e.g. `{env}-{os}-{seq:4}`. */
  readonly namePattern: string;
}

/** The resources of one type, in request order. */
export interface ResolvedGroup {
  readonly handler: ResourceHandler;
  readonly resources: CommonResource[];
}

function rejectAll(requestId: string, reasons: readonly Reason[]) {
  const list = reasons.map((r) => `${r.path}: ${r.message}`).join('; ');
  return rfmError('OO_ERR_RFM_REJECTED', `request ${requestId} rejected: ${list}`, { reasons });
}

function handlerContext(
  deps: ResolveDeps,
  policy: Policy,
  request: RequestInfo,
  index: number,
  type: string,
) {
  const key = (ordinal: number) => ({ requestId: request.requestId, index, ordinal });
  const ctx: HandlerContext = {
    policy,
    request,
    index,
    async allocateIp(networkName, ordinal) {
      const network = policy.networks.find((n) => n.name === networkName);
      if (!network) throw rejection('network', `network "${networkName}" does not exist`);
      return allocateAddress(deps.db, network, key(ordinal));
    },
    nameFor: ({ ordinal, requested, parts, field }) =>
      claimName(deps.db, deps.namePattern, {
        kind: type,
        ...key(ordinal),
        ...(requested === undefined ? {} : { requested }),
        ...(parts === undefined ? {} : { parts }),
        ...(field === undefined ? {} : { field }),
      }),
    place: (ordinal) => placeResource(deps.db, policy, key(ordinal)),
  };
  return ctx;
}

/**
 * Resolves every resource of the request. Throws OO_ERR_RFM_REJECTED with every reason (after
 * releasing the request's allocations); rethrows retryable failures (database) untouched, keeping
 * the allocations for the retry, which gets the same ones.
 */
export async function resolveRequest(
  deps: ResolveDeps,
  policy: Policy,
  file: RequestFile,
): Promise<ResolvedGroup[]> {
  const request: RequestInfo = {
    requestId: file.requestId,
    traceId: file.traceId,
    submittedBy: file.submittedBy,
    submittedAt: new Date(file.submittedAt).toISOString(),
    managed: file.body.managed,
  };
  const reasons: Reason[] = [];
  const parsed: { index: number; handler: ResourceHandler; spec: unknown }[] = [];
  file.body.resources.forEach((raw, index) => {
    const handler = deps.handlers.get(raw.type);
    if (!handler) {
      reasons.push({
        path: `resources.${index}.type`,
        message: `no handler is installed for type "${raw.type}"`,
      });
      return;
    }
    const spec = handler.spec.safeParse(raw);
    if (!spec.success) {
      reasons.push(...schemaReasons(spec.error, ['resources', index]));
      return;
    }
    for (const r of handler.validate(spec.data, policy)) {
      reasons.push({ path: joinPath('resources', index, r.path), message: r.message });
    }
    parsed.push({ index, handler, spec: spec.data });
  });
  if (reasons.length > 0) {
    await releaseRequest(deps.db, request.requestId);
    throw rejectAll(request.requestId, reasons);
  }
  const groups = new Map<string, ResolvedGroup>();
  for (const { index, handler, spec } of parsed) {
    try {
      const made = await handler.enrich(spec, handlerContext(deps, policy, request, index, handler.type));
      const group = groups.get(handler.type) ?? { handler, resources: [] };
      group.resources.push(...made.map((m) => CommonResource.parse(m)));
      groups.set(handler.type, group);
    } catch (err) {
      const failed = reasonsOf(err);
      if (!failed) throw err;
      reasons.push(
        ...failed.map((r) => ({ path: joinPath('resources', index, r.path), message: r.message })),
      );
    }
  }
  if (reasons.length > 0) {
    await releaseRequest(deps.db, request.requestId);
    throw rejectAll(request.requestId, reasons);
  }
  return [...groups.values()];
}
