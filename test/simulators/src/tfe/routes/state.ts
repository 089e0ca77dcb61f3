/**
 * State versions and outputs (tfe-api.md §7): 404 before the first apply, 503 while outputs are being
 * processed, sensitive values `null` everywhere except `GET /state-version-outputs/{id}`.
 */
import { ApiError, notFound } from '../json-api.js';
import { paginate } from '../pagination.js';
import type { Router } from '../router.js';
import { includedFor, toResource } from '../serialize.js';
import type { SimContext } from '../sim-context.js';
import type { StateVersion, Workspace } from '../store.js';
import { visibleWorkspace } from './workspaces.js';

export function registerStateRoutes(router: Router, sim: SimContext): void {
  router.add('GET', '/api/v2/workspaces/:id/current-state-version-outputs', (req) => {
    const sv = currentStateVersion(sim, visibleWorkspace(sim, req.principal, req.params.id!));
    if (sim.clock.ticks < sv.processedAtTick) {
      throw new ApiError(503, 'service unavailable', 'state version outputs are still being processed');
    }
    const outputs = sv.outputIds.map((id) => sim.store.stateOutputs.get(id)!);
    const page = paginate(outputs, req.url);
    return {
      status: 200,
      json: { data: page.items.map((o) => toResource(sim, o)), links: page.links, meta: page.meta },
    };
  });

  router.add('GET', '/api/v2/workspaces/:id/current-state-version', (req) => {
    const sv = currentStateVersion(sim, visibleWorkspace(sim, req.principal, req.params.id!));
    const included = includedFor(sim, [sv], req.url.searchParams.get('include'));
    return { status: 200, json: { data: toResource(sim, sv), ...(included.length > 0 ? { included } : {}) } };
  });

  router.add('GET', '/api/v2/state-version-outputs/:id', (req) => {
    const output = sim.store.stateOutputs.get(req.params.id!);
    if (!output) throw notFound();
    const sv = sim.store.stateVersions.get(output.stateVersionId)!;
    visibleWorkspace(sim, req.principal, sv.workspaceId);
    return { status: 200, json: { data: toResource(sim, output, { revealSensitiveOutputs: true }) } };
  });
}

function currentStateVersion(sim: SimContext, ws: Workspace): StateVersion {
  const sv = ws.currentStateVersionId ? sim.store.stateVersions.get(ws.currentStateVersionId) : undefined;
  if (!sv) throw notFound();
  return sv;
}
