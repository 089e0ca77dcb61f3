/**
 * API tokens, for admins: create one (its secret is answered once and stored only hashed), list
 * them, revoke one. The same store `oo token create` writes, reachable while `oo up` holds the
 * embedded database. Each change is audited. A revoked token is refused within the gateway's token
 * cache time (`tokenCacheMs`, 5 s by default).
 */
import { Role } from '@oo/contracts';
import { CreatedToken, TokenInfo } from '@oo/read-model';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { audit, authorize, callerOf, type GatewayDeps } from '../gateway-deps.js';
import { gatewayError } from '../gateway-errors.js';
import { problems } from '../http-schemas.js';

const CreateTokenBody = z
  .object({
    name: z
      .string()
      .min(1)
      .max(128)
      .regex(/^[A-Za-z0-9][A-Za-z0-9_.@-]*$/, 'must be letters, digits, `_`, `.`, `@` or `-`')
      .describe('Who or what the token is for: a user or a service name; it becomes the caller name.'),
    role: Role,
  })
  .strict();

const TokenIdParams = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .regex(/^tok_[A-Za-z0-9]+$/, 'is not a token id'),
});

export const tokenRoutes: FastifyPluginAsyncZod<{ deps: GatewayDeps }> = async (app, { deps }) => {
  app.post(
    '/tokens',
    {
      schema: {
        summary: 'Create an API token',
        description: 'Answers the secret once (`oo_<id>_<random>`); only its SHA-256 is stored. Admins.',
        tags: ['tokens'],
        body: CreateTokenBody,
        response: { 201: CreatedToken, ...problems(400, 401, 403, 413, 415, 422, 429, 500) },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      authorize(caller, 'tokens');
      const created = await deps.readModel.createToken(request.body);
      await audit(deps, {
        principal: caller.sub,
        action: 'token.create',
        target: created.token.id,
        traceId: request.traceId,
        details: { name: created.token.name, role: created.token.role },
      });
      return reply.code(201).send(created);
    },
  );

  app.get(
    '/tokens',
    {
      schema: {
        summary: 'List the API tokens',
        description:
          'Every token, newest first, with its role and when it was last used; never a secret. Admins.',
        tags: ['tokens'],
        response: { 200: z.object({ items: z.array(TokenInfo) }), ...problems(401, 403, 429, 500) },
      },
    },
    async (request) => {
      authorize(callerOf(request), 'tokens');
      return { items: await deps.readModel.listTokens() };
    },
  );

  app.delete(
    '/tokens/:id',
    {
      schema: {
        summary: 'Revoke an API token',
        description: 'The token is refused from then on (within the token cache time). Admins.',
        tags: ['tokens'],
        params: TokenIdParams,
        response: { 204: z.null(), ...problems(400, 401, 403, 404, 429, 500) },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      authorize(caller, 'tokens');
      const { id } = request.params;
      if (!(await deps.readModel.revokeToken(id))) {
        throw gatewayError('OO_ERR_HTTP_TOKEN_NOT_FOUND', `no active API token ${id}`, { tokenId: id });
      }
      await audit(deps, {
        principal: caller.sub,
        action: 'token.revoke',
        target: id,
        traceId: request.traceId,
      });
      return reply.code(204).send(null);
    },
  );
};
