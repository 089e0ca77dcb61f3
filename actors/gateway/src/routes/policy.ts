/**
 * The admin policy (admins only): read it with its version as the ETag, replace it, list its
 * versions. `PUT` with `If-Match: "<version>"` replaces only that version (412 when another change
 * came first). Every invalid policy, whether its shape, a reference or its addresses are wrong, is
 * one 422 `OO_ERR_POLICY_INVALID` whose `errors` name each field. The store writes the audit row in
 * the same transaction as the change, so this route does not audit on its own.
 */
import { OoError, Policy, PolicyRecord } from '@oo/contracts';
import { PolicyHistoryPage, PolicyHistoryQuery } from '@oo/read-model';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { authorize, callerOf, type GatewayDeps } from '../gateway-deps.js';
import type { FieldError } from '../gateway-errors.js';
import { ifMatchVersion, PolicyHeaders, policyEtag, problems } from '../http-schemas.js';
import { missingNames, newNames } from '../inventory/inventory-gaps.js';
import { capped, fieldErrors } from '../problem.js';

function invalidPolicy(errors: readonly FieldError[]): OoError {
  const count = `${errors.length} problem${errors.length === 1 ? '' : 's'}`;
  return new OoError('OO_ERR_POLICY_INVALID', `the policy is invalid: ${count}, see errors`, {
    details: { errors: capped(errors) },
  });
}

/**
 * With an inventory source, a policy may bring in only clusters, datastores and networks the
 * inventory holds; the names it already had pass unread, so a change that brings in none needs no
 * inventory (vCenter down does not stop an admin lowering a bound).
 * @throws OoError OO_ERR_POLICY_INVALID naming each new name the inventory lacks; OO_ERR_INVENTORY_UNAVAILABLE
 */
async function checkNewNames(deps: GatewayDeps, next: Policy): Promise<void> {
  if (!deps.inventory) return;
  const { policy: current } = await deps.readModel.getPolicy();
  const brought = newNames(next, current);
  if (brought.length === 0) return;
  const { lists } = await deps.inventory.get();
  const gaps = missingNames(brought, lists, deps.inventory.sourceOf);
  if (gaps.length > 0) throw invalidPolicy(gaps);
}

/**
 * The body's validation failure as the policy's own 422. Other failures (a bad If-Match) are
 * rethrown as they are: the error handler answers them 400.
 */
function refuseInvalidBody(request: FastifyRequest): void {
  const failure = request.validationError;
  if (!failure) return;
  if (failure.validationContext === 'body' && hasZodFastifySchemaValidationErrors(failure)) {
    throw invalidPolicy(fieldErrors(failure.validation));
  }
  throw failure;
}

export const policyRoutes: FastifyPluginAsyncZod<{ deps: GatewayDeps }> = async (app, { deps }) => {
  app.get(
    '/policy',
    {
      schema: {
        summary: 'Read the policy',
        description:
          'What requests may ask for: images, size bounds, networks, the cluster x datastore matrix. ' +
          'The `ETag` header is the version (`"3"`); send it back in `If-Match` when replacing. Admins.',
        tags: ['policy'],
        response: { 200: PolicyRecord, ...problems(401, 403, 429, 500) },
      },
    },
    async (request, reply) => {
      authorize(callerOf(request), 'policy');
      const record = await deps.readModel.getPolicy();
      return reply.header('etag', policyEtag(record.version)).send(record);
    },
  );

  app.put(
    '/policy',
    {
      schema: {
        summary: 'Replace the policy',
        description:
          'Stores the body as the next version, recorded with who and when in the history and the ' +
          'audit trail, and answers it (with its `ETag`). With `If-Match`, only if the policy is still ' +
          'at that version, else 412. An invalid policy is 422 naming each field in `errors`. ' +
          'Requests already being handled keep the version they read. With an inventory source ' +
          '(`GET /v1/inventory`), a cluster, datastore or network the policy did not name before must be ' +
          'in the inventory (422 naming each one that is not; 503 when the inventory cannot be read). Admins.',
        tags: ['policy'],
        headers: PolicyHeaders,
        body: Policy,
        response: { 200: PolicyRecord, ...problems(400, 401, 403, 412, 413, 415, 422, 429, 500, 503) },
      },
      // Validation failures reach the handler: a caller who may not change the policy hears 403
      // before anything about the body, and a bad body becomes OO_ERR_POLICY_INVALID.
      attachValidation: true,
    },
    async (request, reply) => {
      const caller = callerOf(request);
      authorize(caller, 'policy');
      refuseInvalidBody(request);
      const expectedVersion = ifMatchVersion(request.headers['if-match']);
      await checkNewNames(deps, request.body);
      const record = await deps.readModel
        .putPolicy(request.body, {
          by: caller.sub,
          traceId: request.traceId,
          ...(caller.tokenId ? { tokenId: caller.tokenId } : {}),
          ...(expectedVersion === undefined ? {} : { expectedVersion }),
        })
        .catch((err: unknown) => {
          // The store names reasons the schema cannot see (a gateway outside its CIDR).
          if (err instanceof OoError && err.code === 'OO_ERR_POLICY_INVALID') {
            throw invalidPolicy((err.details?.reasons as FieldError[] | undefined) ?? []);
          }
          throw err;
        });
      request.log.info({ version: record.version, by: caller.sub }, 'policy changed');
      return reply.header('etag', policyEtag(record.version)).send(record);
    },
  );

  app.get(
    '/policy/history',
    {
      schema: {
        summary: 'List the versions of the policy, newest first',
        description: 'Each version with the policy it set, who set it and when. Admins.',
        tags: ['policy'],
        querystring: PolicyHistoryQuery,
        response: { 200: PolicyHistoryPage, ...problems(400, 401, 403, 429, 500) },
      },
    },
    async (request) => {
      authorize(callerOf(request), 'policy');
      return deps.readModel.policyHistory(request.query);
    },
  );
};
