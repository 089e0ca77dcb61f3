/**
 * Dispatch, in vCenter's order: an unknown path is 404 and a known path with another method 405,
 * both before the session is checked; then every operation but the login needs a live session (401).
 * Paths are matched exactly: `/api/vcenter/cluster/` is not `/api/vcenter/cluster`.
 */
import { notFound, operationNotFound, type SimResponse, unauthenticated } from './responses.js';
import type { Route, RouteContext, SimRequest } from './route.js';
import { listRoutes } from './routes-lists.js';
import { sessionRoute } from './routes-session.js';

const routes: readonly Route[] = [sessionRoute, ...listRoutes];

export function dispatch(ctx: RouteContext, req: SimRequest): SimResponse {
  const route = routes.find((r) => r.path === req.path);
  if (route === undefined) return notFound();
  const operation = route.methods[req.method as keyof Route['methods']];
  if (operation === undefined) return operationNotFound(req.method, req.path);
  if (operation.kind === 'login') return operation.handle(ctx, req);
  const session = ctx.sessions.use(req.sessionId);
  if (session === undefined) return unauthenticated();
  return operation.handle(ctx, req, session);
}
