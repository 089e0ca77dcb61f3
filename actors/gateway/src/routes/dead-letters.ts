/**
 * What actors could not handle, each with the reason: the dead-letter stream, oldest first, paged by
 * sequence. Operators and admins (a letter holds the body as it came; its identity token is redacted).
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { authorize, callerOf, type GatewayDeps } from '../gateway-deps.js';
import { DeadLetterPage, DeadLettersQuery, problems } from '../http-schemas.js';

export const deadLetterRoutes: FastifyPluginAsyncZod<{ deps: GatewayDeps }> = async (app, { deps }) => {
  app.get(
    '/dead-letters',
    {
      schema: {
        summary: 'Messages an actor could not handle, with the reason',
        description:
          'Oldest first; `since` and `actor` narrow them, `after` pages on from `nextAfter`. Kept 30 days. ' +
          'Operators and admins.',
        tags: ['operations'],
        querystring: DeadLettersQuery,
        response: { 200: DeadLetterPage, ...problems(400, 401, 403, 429, 500, 503) },
      },
    },
    async (request) => {
      authorize(callerOf(request), 'readAll');
      const { actor, since, after, limit } = request.query;
      const page = await deps.deadLetters({
        actor,
        since: since === undefined ? undefined : new Date(since),
        afterSeq: after,
        limit,
      });
      return {
        items: page.letters.map(({ seq, letter }) => ({ seq, ...letter })),
        nextAfter: page.more ? (page.letters.at(-1)?.seq ?? null) : null,
      };
    },
  );
};
