/**
 * aaaLogin, aaaRefresh and aaaLogout. The login posts `{"aaaUser":{"attributes":{"name","pwd"}}}` and
 * answers the token twice, as APIC does: in the `aaaLogin` item and in `Set-Cookie: APIC-cookie=...`.
 * A wrong user or password answers 401; a body that is not such an object, 400.
 */
import { z } from 'zod';
import { apicError, badCredentials, imdata, type SimResponse } from './responses.js';
import type { Route, RouteContext, SimRequest } from './route.js';
import type { SimToken } from './tokens.js';

const LoginBody = z.object({
  aaaUser: z.object({ attributes: z.object({ name: z.string(), pwd: z.string() }) }),
});
const LogoutBody = z.object({ aaaUser: z.object({ attributes: z.object({ name: z.string() }) }) });

/** The `aaaLogin` item with the attributes a client reads; a real APIC adds children (user domains). */
function loginAnswer(ctx: RouteContext, token: SimToken, className: 'aaaLogin' | 'aaaRefresh'): SimResponse {
  const seconds = String(Math.floor(token.issuedMs / 1000));
  const attributes = {
    token: token.token,
    siteFingerprint: 'oo-sim-fabric',
    refreshTimeoutSeconds: String(ctx.tokens.timeoutSeconds),
    maximumLifetimeSeconds: '86400',
    guiIdleTimeoutSeconds: '1200',
    restTimeoutSeconds: '90',
    creationTime: seconds,
    firstLoginTime: seconds,
    userName: token.user,
    remoteUser: 'false',
    unixUserId: '15374',
    lastName: '',
    firstName: '',
    changePassword: 'no',
    version: '6.0(5h)',
    node: 'topology/pod-1/node-1',
  };
  return {
    ...imdata([{ [className]: { attributes } }]),
    // Twice HttpOnly, as APIC sends it.
    headers: { 'set-cookie': `APIC-cookie=${token.token}; path=/; HttpOnly; HttpOnly; Secure` },
  };
}

function malformed(req: SimRequest, schema: z.ZodType): boolean {
  return !schema.safeParse(req.body).success;
}

export const aaaRoutes: Route[] = [
  {
    path: /^\/api\/aaaLogin\.json$/,
    methods: {
      POST: {
        kind: 'login',
        handle(ctx, req) {
          if (malformed(req, LoginBody)) return apicError(400, 'Failed to parse the aaaUser login request');
          const { name, pwd } = LoginBody.parse(req.body).aaaUser.attributes;
          const user = ctx.users.find((u) => u.username === name && u.password === pwd);
          if (user === undefined) return badCredentials();
          return loginAnswer(ctx, ctx.tokens.login(user.username), 'aaaLogin');
        },
      },
    },
  },
  {
    path: /^\/api\/aaaRefresh\.json$/,
    methods: {
      GET: {
        kind: 'token',
        handle: (ctx, _req, token) => loginAnswer(ctx, ctx.tokens.refresh(token), 'aaaLogin'),
      },
    },
  },
  {
    path: /^\/api\/aaaLogout\.json$/,
    methods: {
      POST: {
        kind: 'token',
        handle(ctx, req, token) {
          if (malformed(req, LogoutBody)) return apicError(400, 'Failed to parse the aaaUser logout request');
          ctx.tokens.revoke(token);
          return imdata([]);
        },
      },
    },
  },
];
