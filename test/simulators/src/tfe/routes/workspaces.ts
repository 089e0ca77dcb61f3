/**
 * Ping and workspaces (tfe-api.md §0, §2): show by organization + name or by id, list, create.
 */
import { z } from 'zod';
import { assertVisible, type Principal } from '../auth.js';
import { invalidAttribute, notFound, parseAttributes, requestData } from '../json-api.js';
import { paginate } from '../pagination.js';
import { jsonBody, type RouteResponse, type Router } from '../router.js';
import { includedFor, toResource } from '../serialize.js';
import type { SimContext } from '../sim-context.js';
import { newTfeId, type Workspace } from '../store.js';

const NAME = /^[A-Za-z0-9_-]+$/;

const CreateWorkspace = z.object({
  name: z.string({ error: "can't be blank" }).min(1, "can't be blank"),
  description: z.string().optional(),
  'auto-apply': z.boolean().optional(),
  'execution-mode': z.enum(['remote', 'local', 'agent']).optional(),
  'terraform-version': z.string().optional(),
  'working-directory': z.string().optional(),
});

export function registerWorkspaceRoutes(router: Router, sim: SimContext): void {
  router.add(
    'GET',
    '/api/v2/ping',
    () => ({ status: 204, headers: { 'tfp-appname': 'OO TFE simulator', 'x-tfe-version': 'sim' } }),
    { auth: 'none' },
  );

  router.add('GET', '/api/v2/organizations/:org/workspaces', (req) => {
    visibleOrganization(sim, req.principal, req.params.org!);
    const search = req.url.searchParams.get('search[name]');
    const all = [...sim.store.workspaces.values()].filter(
      (ws) => ws.organization === req.params.org && (!search || ws.name.includes(search)),
    );
    const page = paginate(all, req.url);
    return {
      status: 200,
      json: {
        data: page.items.map((ws) => toResource(sim, ws)),
        links: page.links,
        meta: page.meta,
      },
    };
  });

  router.add('GET', '/api/v2/organizations/:org/workspaces/:name', (req) => {
    visibleOrganization(sim, req.principal, req.params.org!);
    const ws = sim.store.workspaceByName(req.params.org!, req.params.name!);
    if (!ws) throw notFound();
    return workspaceDocument(sim, ws, req.url, 200);
  });

  router.add('GET', '/api/v2/workspaces/:id', (req) =>
    workspaceDocument(sim, visibleWorkspace(sim, req.principal, req.params.id!), req.url, 200),
  );

  router.add('POST', '/api/v2/organizations/:org/workspaces', (req) => {
    const organization = req.params.org!;
    visibleOrganization(sim, req.principal, organization);
    const data = requestData(jsonBody(req), 'workspaces');
    const attributes = parseAttributes(CreateWorkspace, data.attributes);
    if (!NAME.test(attributes.name)) {
      throw invalidAttribute('Name may only contain letters, numbers, dashes and underscores', 'name');
    }
    if (sim.store.workspaceByName(organization, attributes.name)) {
      throw invalidAttribute('Name has already been taken', 'name');
    }
    const now = sim.clock.nowIso();
    const ws: Workspace = {
      kind: 'workspace',
      id: newTfeId('ws'),
      organization,
      name: attributes.name,
      description: attributes.description ?? '',
      autoApply: attributes['auto-apply'] ?? false,
      executionMode: attributes['execution-mode'] ?? 'remote',
      terraformVersion: attributes['terraform-version'] ?? sim.terraformVersion,
      workingDirectory: attributes['working-directory'] ?? '',
      locked: false,
      createdAt: now,
      updatedAt: now,
      currentRunId: null,
      currentConfigurationVersionId: null,
      currentStateVersionId: null,
    };
    sim.store.workspaces.set(ws.id, ws);
    return workspaceDocument(sim, ws, req.url, 201);
  });
}

function workspaceDocument(sim: SimContext, ws: Workspace, url: URL, status: number): RouteResponse {
  const included = includedFor(sim, [ws], url.searchParams.get('include'));
  return {
    status,
    json: { data: toResource(sim, ws), ...(included.length > 0 ? { included } : {}) },
  };
}

function visibleOrganization(sim: SimContext, principal: Principal, organization: string): void {
  if (!sim.store.organizations.has(organization)) throw notFound();
  assertVisible(principal, organization);
}

/** The workspace, or 404 when it is missing or the token cannot see its organization. */
export function visibleWorkspace(sim: SimContext, principal: Principal, id: string): Workspace {
  const ws = sim.store.workspaces.get(id);
  if (!ws) throw notFound();
  assertVisible(principal, ws.organization);
  return ws;
}
