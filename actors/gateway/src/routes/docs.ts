/**
 * The API's own description: `GET /openapi.json` (OpenAPI 3.1, generated from the zod schemas of
 * the routes) and browsable docs at `/docs` (Swagger UI, its assets served from the npm package).
 * No authentication; the document names no secrets.
 */
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { FastifyPluginAsync } from 'fastify';

export const docsRoutes: FastifyPluginAsync = async (app) => {
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  await app.register(fastifySwaggerUi, {
    routePrefix: '/docs',
    uiConfig: { docExpansion: 'list', deepLinking: true },
  });
};
