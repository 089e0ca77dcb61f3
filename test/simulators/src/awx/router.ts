/**
 * Dispatch below the API prefix: the first route whose pattern matches the path wins; a known path
 * with another method answers 405, an unknown one 404 `{"detail": "Not found."}`. `ping/` is served
 * before authentication; `me/` answers the one simulated user.
 */
import { json, methodNotAllowed, notFound, type SimRequest, type SimResponse } from './responses.js';
import type { Route, RouteContext } from './route.js';
import { inventoryRoutes } from './routes-inventories.js';
import { jobTemplateRoutes } from './routes-job-templates.js';
import { jobRoutes } from './routes-jobs.js';

export const AWX_SIM_VERSION = '24.6.1';

const miscRoutes: Route[] = [
  {
    pattern: /^$/,
    methods: {
      GET: (_ctx, req) =>
        json(200, {
          ping: `${req.prefix}ping/`,
          me: `${req.prefix}me/`,
          job_templates: `${req.prefix}job_templates/`,
          jobs: `${req.prefix}jobs/`,
          inventories: `${req.prefix}inventories/`,
          hosts: `${req.prefix}hosts/`,
          organizations: `${req.prefix}organizations/`,
        }),
    },
  },
  {
    pattern: /^me\/$/,
    methods: {
      GET: (_ctx, req) =>
        json(200, {
          count: 1,
          next: null,
          previous: null,
          results: [
            {
              id: 1,
              type: 'user',
              url: `${req.prefix}users/1/`,
              username: 'admin',
              first_name: '',
              last_name: '',
              email: '',
              is_superuser: true,
              is_system_auditor: false,
            },
          ],
        }),
    },
  },
];

const routes: Route[] = [...miscRoutes, ...jobTemplateRoutes, ...jobRoutes, ...inventoryRoutes];

/** `GET ping/`: unauthenticated health and version. */
export function ping(): SimResponse {
  return json(200, {
    ha: false,
    version: AWX_SIM_VERSION,
    active_node: 'awx-sim',
    install_uuid: '00000000-0000-4000-8000-000000000000',
    instances: [{ node: 'awx-sim', node_type: 'hybrid', uuid: '00000000-0000-4000-8000-000000000001' }],
    instance_groups: [{ name: 'default', capacity: 100, instances: ['awx-sim'] }],
  });
}

export function dispatch(ctx: RouteContext, req: SimRequest): SimResponse {
  for (const route of routes) {
    const match = route.pattern.exec(req.path);
    if (match === null) continue;
    const handler = route.methods[req.method as keyof Route['methods']];
    if (handler === undefined) return methodNotAllowed(req.method);
    return handler(ctx, req, match.slice(1));
  }
  return notFound();
}
