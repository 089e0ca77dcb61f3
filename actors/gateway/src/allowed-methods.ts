/**
 * The methods a path answers, for a 405 and its Allow header. The methods are learnt from the
 * routes as they are registered (HEAD too, which fastify adds beside each GET) and a URL is matched
 * by fastify's own router, so a new route, a parametrised one (`/v1/requests/:id`) or a wildcard
 * (`/docs/*`) is covered without a list kept by hand.
 */
import type { FastifyInstance, HTTPMethods } from 'fastify';

export interface AllowedMethods {
  /** The methods some route answers at `url` (its query ignored), sorted; empty for an unknown path. */
  at(url: string): HTTPMethods[];
}

/** Call it before any route is registered: it learns the methods in an `onRoute` hook. */
export function allowedMethods(app: FastifyInstance): AllowedMethods {
  const methods = new Set<HTTPMethods>();
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) methods.add(method);
  });
  return {
    // findRoute matches a URL as a request is routed; it answers null (typed as never) for no route.
    at: (url) => [...methods].filter((method) => app.findRoute({ method, url }) !== null).sort(),
  };
}
