/**
 * The web UI (`@oo/web`): its static files under `/ui/`, and `/` sending a browser there. No
 * authentication to load the files, which hold no data; the page calls `/v1` with the user's token.
 *
 * Every file is served with a Content-Security-Policy that lets the page run its own scripts and
 * styles and call this origin only: no inline script, no other origin, no framing. With the UI
 * writing text as text (web/public/dom.js), a hostile string in a request has nothing to run.
 */
import fastifyStatic from '@fastify/static';
import { WEB_ROOT } from '@oo/web';
import type { FastifyPluginAsync } from 'fastify';

const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export const webUiRoutes: FastifyPluginAsync = async (app) => {
  app.get('/', { schema: { hide: true } }, async (_request, reply) => reply.redirect('/ui/'));
  await app.register(fastifyStatic, {
    root: WEB_ROOT,
    prefix: '/ui/',
    // Swagger UI registers its own copy of this plugin; each instance keeps its own reply helpers.
    decorateReply: false,
    schemaHide: true,
    setHeaders(reply) {
      reply.header('content-security-policy', CONTENT_SECURITY_POLICY);
      reply.header('x-content-type-options', 'nosniff');
      reply.header('referrer-policy', 'no-referrer');
    },
  });
};
