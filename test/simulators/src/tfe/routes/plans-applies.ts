/**
 * Plans, applies and their logs (tfe-api.md §6). The `log-read-url` is served here without auth, with
 * `offset`/`limit` in bytes of the STX…ETX framed stream.
 */
import { assertVisible, type Principal } from '../auth.js';
import { notFound } from '../json-api.js';
import { readLogSlice } from '../logs.js';
import type { Router } from '../router.js';
import { LOG_PATH, toResource } from '../serialize.js';
import type { SimContext } from '../sim-context.js';
import type { Phase } from '../store.js';
import { visibleRun } from './runs.js';

export function registerPlanApplyRoutes(router: Router, sim: SimContext): void {
  const phaseDocument = (phase: Phase) => ({ status: 200, json: { data: toResource(sim, phase) } });

  router.add('GET', '/api/v2/plans/:id', (req) =>
    phaseDocument(visiblePhase(sim, req.principal, sim.store.plans.get(req.params.id!))),
  );
  router.add('GET', '/api/v2/applies/:id', (req) =>
    phaseDocument(visiblePhase(sim, req.principal, sim.store.applies.get(req.params.id!))),
  );
  router.add('GET', '/api/v2/runs/:id/plan', (req) =>
    phaseDocument(sim.store.plans.get(visibleRun(sim, req.principal, req.params.id!).planId)!),
  );
  router.add('GET', '/api/v2/runs/:id/apply', (req) =>
    phaseDocument(sim.store.applies.get(visibleRun(sim, req.principal, req.params.id!).applyId)!),
  );

  router.add(
    'GET',
    `${LOG_PATH}/:token`,
    (req) => {
      const phase = [...sim.store.plans.values(), ...sim.store.applies.values()].find(
        (candidate) => candidate.log.token === req.params.token,
      );
      if (!phase) return { status: 404, body: 'log not found or expired\n' };
      const offset = Number(req.url.searchParams.get('offset') ?? '0') || 0;
      const limitParam = req.url.searchParams.get('limit');
      const limit = limitParam === null ? undefined : Number(limitParam) || 0;
      return {
        status: 200,
        headers: { 'content-type': 'text/plain; charset=utf-8' },
        body: readLogSlice(phase.log, offset, limit),
      };
    },
    { auth: 'none' },
  );
}

function visiblePhase(sim: SimContext, principal: Principal, phase: Phase | undefined): Phase {
  if (!phase) throw notFound();
  const run = sim.store.runs.get(phase.runId)!;
  assertVisible(principal, sim.store.workspaces.get(run.workspaceId)!.organization);
  return phase;
}
