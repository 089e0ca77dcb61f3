/**
 * CIS Session (`/api/session`): create with HTTP Basic (201, the id as a JSON string), read, delete.
 * A wrong or missing credential answers the same 401 as a missing session.
 */
import { json, unauthenticated } from './responses.js';
import type { Route } from './route.js';
import type { VcenterSimUser } from './types.js';

export const sessionRoute: Route = {
  path: '/api/session',
  methods: {
    POST: {
      kind: 'login',
      handle(ctx, req) {
        const user = basicUser(req.authorization, ctx.users);
        if (user === undefined) return unauthenticated();
        return json(201, ctx.sessions.create(user.username).id);
      },
    },
    GET: {
      kind: 'session',
      handle: (_ctx, _req, session) =>
        json(200, {
          user: session.user,
          created_time: new Date(session.createdMs).toISOString(),
          last_accessed_time: new Date(session.lastAccessedMs).toISOString(),
        }),
    },
    DELETE: {
      kind: 'session',
      handle(ctx, _req, session) {
        ctx.sessions.remove(session.id);
        return { status: 204 };
      },
    },
  },
};

function basicUser(header: string | undefined, users: readonly VcenterSimUser[]): VcenterSimUser | undefined {
  const [scheme = '', credentials = ''] = (header ?? '').trim().split(/\s+/, 2);
  if (scheme.toLowerCase() !== 'basic') return undefined;
  const decoded = Buffer.from(credentials, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  const username = decoded.slice(0, colon);
  const password = decoded.slice(colon + 1);
  return users.find((u) => u.username === username && u.password === password);
}
