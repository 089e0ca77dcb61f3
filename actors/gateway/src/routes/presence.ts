/** The actor instances alive now, from their heartbeats in the presence bucket. Operators and admins. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { authorize, callerOf, type GatewayDeps } from '../gateway-deps.js';
import { Presence, problems } from '../http-schemas.js';

export const presenceRoutes: FastifyPluginAsyncZod<{ deps: GatewayDeps }> = async (app, { deps }) => {
  app.get(
    '/presence',
    {
      schema: {
        summary: 'Actor instances alive now',
        description: 'One entry per instance, sorted by actor then instance. Operators and admins.',
        tags: ['operations'],
        response: { 200: Presence, ...problems(401, 403, 429, 500, 503) },
      },
    },
    async (request) => {
      authorize(callerOf(request), 'readAll');
      return { items: await deps.presence() };
    },
  );
};
