/** Who the caller is, and what their role may do: what a client (the web UI) shows or hides. */
import { can, type Permission, Permissions } from '@oo/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { callerOf, type GatewayDeps } from '../gateway-deps.js';
import { Me, problems } from '../http-schemas.js';

const PERMISSIONS = Object.keys(Permissions) as Permission[];

export const meRoutes: FastifyPluginAsyncZod<{ deps: GatewayDeps }> = async (app) => {
  app.get(
    '/me',
    {
      schema: {
        summary: 'The caller',
        description:
          "The token's name and role, and what the role may do on any request (`readAll`, `cancel`, " +
          '`policy`, ...). Requesters act on their own requests besides. Any authenticated role.',
        tags: ['tokens'],
        response: { 200: Me, ...problems(401, 429, 500) },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      return {
        name: caller.sub,
        role: caller.role,
        permissions: PERMISSIONS.filter((permission) => can(caller.role, permission)),
      };
    },
  );
};
