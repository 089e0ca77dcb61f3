/** What may be asked for: the catalog items and the workflow templates loaded. Any authenticated role. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { GatewayDeps } from '../gateway-deps.js';
import { Catalog, problems, Templates } from '../http-schemas.js';

export const catalogRoutes: FastifyPluginAsyncZod<{ deps: GatewayDeps }> = async (app, { deps }) => {
  app.get(
    '/catalog',
    {
      schema: {
        summary: 'Catalog items a request may name in `catalogItem`',
        tags: ['catalog'],
        response: { 200: Catalog, ...problems(401, 429, 500) },
      },
    },
    async () => ({ items: [...deps.catalog] }),
  );

  app.get(
    '/templates',
    {
      schema: {
        summary: 'Workflow templates, newest version of each',
        tags: ['catalog'],
        response: { 200: Templates, ...problems(401, 429, 500) },
      },
    },
    async () => ({
      items: deps.templates().map(({ name, version, description }) => ({ name, version, description })),
    }),
  );
};
