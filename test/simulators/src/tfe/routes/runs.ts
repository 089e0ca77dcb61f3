/**
 * Runs (tfe-api.md §5): create, show, list per workspace (newest first), and the actions apply,
 * discard, cancel and force-cancel (202 with no body, or 409 "transition not allowed").
 */
import { z } from 'zod';
import { assertCanQueueRuns, assertVisible, type Principal } from '../auth.js';
import { ApiError, notFound, parseAttributes, relationshipId, requestData } from '../json-api.js';
import { paginate } from '../pagination.js';
import { jsonBody, type RouteResponse, type Router } from '../router.js';
import { cancel, confirm, createRun, discard, forceCancel } from '../run-state-machine.js';
import { includedFor, toResource } from '../serialize.js';
import type { SimContext } from '../sim-context.js';
import type { ConfigurationVersion, Run, Workspace } from '../store.js';
import { visibleWorkspace } from './workspaces.js';

const DEFAULT_MESSAGE = 'Queued manually via the Terraform Enterprise API';

const CreateRun = z.object({
  message: z.string().nullish(),
  'is-destroy': z.boolean().optional(),
  'auto-apply': z.boolean().optional(),
  'plan-only': z.boolean().optional(),
  variables: z.array(z.object({ key: z.string(), value: z.string() })).optional(),
});

export function registerRunRoutes(router: Router, sim: SimContext, forceCancelCoolOffMs: number): void {
  router.add('POST', '/api/v2/runs', (req) => {
    const data = requestData(jsonBody(req), 'runs');
    const workspaceId = relationshipId(data.relationships, 'workspace');
    if (!workspaceId) {
      throw new ApiError(
        422,
        'invalid relationship',
        'workspace is required',
        '/data/relationships/workspace',
      );
    }
    const attributes = parseAttributes(CreateRun, data.attributes);
    const ws = visibleWorkspace(sim, req.principal, workspaceId);
    assertCanQueueRuns(req.principal);
    const cv = configurationVersionFor(sim, ws, relationshipId(data.relationships, 'configuration-version'));
    const run = createRun(sim, ws, cv, {
      message: attributes.message ?? DEFAULT_MESSAGE,
      source: 'tfe-api',
      triggerReason: 'manual',
      isDestroy: attributes['is-destroy'] ?? false,
      autoApply: attributes['auto-apply'] ?? ws.autoApply,
      planOnly: attributes['plan-only'] ?? cv.speculative,
      variables: attributes.variables ?? [],
    });
    return runDocument(sim, run, req.url, 201);
  });

  router.add('GET', '/api/v2/runs/:id', (req) =>
    runDocument(sim, visibleRun(sim, req.principal, req.params.id!), req.url, 200),
  );

  router.add('GET', '/api/v2/workspaces/:id/runs', (req) => {
    const ws = visibleWorkspace(sim, req.principal, req.params.id!);
    const statuses = req.url.searchParams.get('filter[status]')?.split(',').filter(Boolean);
    const runs = sim.store
      .runsOf(ws.id)
      .reverse()
      .filter((run) => !statuses || statuses.includes(run.status));
    const page = paginate(runs, req.url);
    const included = includedFor(sim, page.items, req.url.searchParams.get('include'));
    return {
      status: 200,
      json: {
        data: page.items.map((run) => toResource(sim, run)),
        ...(included.length > 0 ? { included } : {}),
        links: page.links,
        meta: page.meta,
      },
    };
  });

  router.add('POST', '/api/v2/runs/:id/actions/:action', (req) => {
    const run = visibleRun(sim, req.principal, req.params.id!);
    assertCanQueueRuns(req.principal);
    jsonBody(req); // `{"comment": "..."}` is optional; only its well-formedness matters here.
    switch (req.params.action) {
      case 'apply':
        confirm(sim, run);
        break;
      case 'discard':
        discard(sim, run);
        break;
      case 'cancel':
        cancel(sim, run, forceCancelCoolOffMs);
        break;
      case 'force-cancel':
        forceCancel(sim, run);
        break;
      default:
        throw notFound();
    }
    return { status: 202 };
  });
}

/** The run, or 404 when it is missing or the token cannot see its organization. */
export function visibleRun(sim: SimContext, principal: Principal, id: string): Run {
  const run = sim.store.runs.get(id);
  if (!run) throw notFound();
  assertVisible(principal, sim.store.workspaces.get(run.workspaceId)!.organization);
  return run;
}

function configurationVersionFor(
  sim: SimContext,
  ws: Workspace,
  id: string | undefined,
): ConfigurationVersion {
  const cv = id
    ? sim.store.configurationVersions.get(id)
    : sim.store.configurationVersions.get(ws.currentConfigurationVersionId ?? '');
  if (id && (!cv || cv.workspaceId !== ws.id)) throw notFound();
  if (cv?.status !== 'uploaded') {
    throw new ApiError(
      422,
      'invalid relationship',
      'configuration version is not uploaded; upload the configuration and wait for status uploaded',
      '/data/relationships/configuration-version',
    );
  }
  return cv;
}

function runDocument(sim: SimContext, run: Run, url: URL, status: number): RouteResponse {
  const included = includedFor(sim, [run], url.searchParams.get('include'));
  return { status, json: { data: toResource(sim, run), ...(included.length > 0 ? { included } : {}) } };
}
