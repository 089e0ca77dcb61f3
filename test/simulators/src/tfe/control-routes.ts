/**
 * The control API over HTTP, outside the API prefix and without auth, for tests that drive the
 * simulator from another process. Same operations as the in-process `control` handle.
 */
import { z } from 'zod';
import type { TfeSimulatorControl } from './control.js';
import { FaultRuleBody } from './faults.js';
import { ApiError } from './json-api.js';
import { jsonBody, type RouteRequest, type RouteResponse, type Router } from './router.js';
import { SCENARIO_NAMES } from './scenarios.js';

const JSON_TYPE = { 'content-type': 'application/json' };

const ScenarioBody = z.object({
  scenario: z.enum(SCENARIO_NAMES),
  workspace: z.string().optional(),
  organization: z.string().optional(),
  messageContains: z.string().optional(),
});

export function registerControlRoutes(router: Router, control: TfeSimulatorControl): void {
  const none = { auth: 'none' } as const;
  const ok = (json: unknown): RouteResponse => ({ status: 200, headers: JSON_TYPE, json });
  const done: RouteResponse = { status: 204 };

  router.add('GET', '/_sim/workspaces', () => ok(control.workspaces()), none);
  router.add(
    'GET',
    '/_sim/workspaces/:nameOrId',
    (req) => {
      const report = control.workspace(
        req.params.nameOrId!,
        req.url.searchParams.get('organization') ?? undefined,
      );
      if (!report) throw new ApiError(404, 'not found');
      return ok(report);
    },
    none,
  );
  router.add(
    'POST',
    '/_sim/faults',
    (req) => {
      control.injectFault(parse(FaultRuleBody, req));
      return done;
    },
    none,
  );
  router.add(
    'DELETE',
    '/_sim/faults',
    () => {
      control.clearFaults();
      return done;
    },
    none,
  );
  router.add(
    'POST',
    '/_sim/scenarios',
    (req) => {
      const body = parse(ScenarioBody, req);
      const target =
        body.messageContains !== undefined
          ? { messageContains: body.messageContains }
          : body.workspace !== undefined
            ? { workspace: body.workspace, ...(body.organization ? { organization: body.organization } : {}) }
            : undefined;
      control.setScenario(body.scenario, target);
      return done;
    },
    none,
  );
  router.add(
    'POST',
    '/_sim/tick',
    (req) => {
      control.tick(parse(z.object({ count: z.number().int().positive().default(1) }), req).count);
      return done;
    },
    none,
  );
  router.add(
    'GET',
    '/_sim/requests',
    (req) => {
      const method = req.url.searchParams.get('method') ?? undefined;
      const path = req.url.searchParams.get('path') ?? undefined;
      return ok(control.requests({ ...(method ? { method } : {}), ...(path ? { path } : {}) }));
    },
    none,
  );
  router.add(
    'POST',
    '/_sim/tokens/revoke',
    (req) => {
      control.revokeToken(parse(z.object({ token: z.string() }), req).token);
      return done;
    },
    none,
  );
  router.add(
    'POST',
    '/_sim/outputs-processing',
    (req) => {
      control.setOutputsProcessingTicks(
        parse(z.object({ ticks: z.number().int().nonnegative() }), req).ticks,
      );
      return done;
    },
    none,
  );
}

function parse<S extends z.ZodType>(schema: S, req: RouteRequest): z.infer<S> {
  const result = schema.safeParse(jsonBody(req) ?? {});
  if (!result.success) throw new ApiError(400, 'invalid control request', z.prettifyError(result.error));
  return result.data;
}
