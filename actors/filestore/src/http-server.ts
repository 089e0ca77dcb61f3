/** The filestore's fastify server: authentication, the file routes, and problem+json errors. */
import type { PrincipalTokens } from '@oo/runtime';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import type { Logger } from 'pino';
import { bearerPrincipal } from './bearer-auth.js';
import { type FilesRoutesOptions, filesRoutes } from './files-routes.js';
import { filestoreError } from './filestore-errors.js';
import { toProblem } from './http-problem.js';

export interface HttpServerOptions extends FilesRoutesOptions {
  readonly tokens: PrincipalTokens;
  readonly log: Logger;
}

export async function buildHttpServer(options: HttpServerOptions): Promise<FastifyInstance> {
  // Widened to fastify's logger type, so the instance has the plain FastifyInstance type.
  const loggerInstance: FastifyBaseLogger = options.log;
  const app = Fastify({
    loggerInstance,
    // Requests are logged by the routes (what was stored, who was refused), not line by line.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: options.maxBytes,
  });

  app.setErrorHandler((error, request, reply) => {
    const problem = toProblem(error, request.url, options.maxBytes);
    if (problem.status >= 500) request.log.error({ err: error }, 'filestore request failed');
    else request.log.debug({ code: problem.code, detail: problem.detail }, 'filestore request refused');
    if (problem.status === 401) reply.header('www-authenticate', 'Bearer');
    return reply.code(problem.status).type('application/problem+json').send(problem);
  });
  app.setNotFoundHandler((request, reply) => {
    const missing = filestoreError(
      'OO_ERR_FILESTORE_NOT_FOUND',
      `no route for ${request.method} ${request.url}: files live under /v1/files/`,
    );
    return reply
      .code(404)
      .type('application/problem+json')
      .send(toProblem(missing, request.url, options.maxBytes));
  });

  app.addHook('onRequest', async (request) => {
    const principal = await bearerPrincipal(options.tokens, request.headers.authorization);
    request.log = request.log.child({ caller: principal.sub });
  });

  await app.register(filesRoutes, { files: options.files, maxBytes: options.maxBytes });
  return app;
}
