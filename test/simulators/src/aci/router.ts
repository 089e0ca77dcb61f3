/**
 * Dispatch: an unknown path is 404 and a known path with another method 405, both before the token
 * is checked; then every operation but the login needs a live token in `APIC-cookie` (403, APIC's
 * "Token was invalid" whether the token is missing, unknown, logged out or timed out).
 */
import { methodNotAllowed, notFound, type SimResponse, tokenInvalid } from './responses.js';
import type { Route, RouteContext, SimRequest } from './route.js';
import { aaaRoutes } from './routes-aaa.js';
import { classRoutes } from './routes-class.js';

const routes: readonly Route[] = [...aaaRoutes, ...classRoutes];

export function dispatch(ctx: RouteContext, req: Omit<SimRequest, 'params'>): SimResponse {
  for (const route of routes) {
    const match = route.path.exec(req.path);
    if (match === null) continue;
    const operation = route.methods[req.method as keyof Route['methods']];
    if (operation === undefined) return methodNotAllowed(req.method, req.path);
    const matched: SimRequest = { ...req, params: match.slice(1) };
    if (operation.kind === 'login') return operation.handle(ctx, matched);
    const token = ctx.tokens.use(req.cookie);
    if (token === undefined) return tokenInvalid();
    return operation.handle(ctx, matched, token);
  }
  return notFound(req.path);
}
