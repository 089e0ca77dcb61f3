/**
 * `startTfeSimulator`: a real HTTP server speaking the slice of the HCP Terraform / Terraform
 * Enterprise API v2 that OO uses (tfe-api.md §9), with a clock-driven run state machine, scenario
 * scripts and fault injection. For tests only: state lives in memory and dies with `stop()`.
 */
import { createServer } from 'node:http';
import { listen } from '../listen.js';
import { createPrincipals, type TokenSpec } from './auth.js';
import { createControl, type TfeSimulatorControl } from './control.js';
import { registerControlRoutes } from './control-routes.js';
import { createFaults } from './faults.js';
import { createRequestListener } from './http-server.js';
import type { OutputsOption } from './outputs.js';
import { createRouter } from './router.js';
import { registerConfigurationVersionRoutes } from './routes/configuration-versions.js';
import { registerPlanApplyRoutes } from './routes/plans-applies.js';
import { registerRunRoutes } from './routes/runs.js';
import { registerStateRoutes } from './routes/state.js';
import { registerVariableRoutes } from './routes/variables.js';
import { registerWorkspaceRoutes } from './routes/workspaces.js';
import type { ScenarioName } from './scenarios.js';
import { startScheduler } from './scheduler.js';
import type { SimContext } from './sim-context.js';
import { createStore, newSecret } from './store.js';

export interface TfeSimulatorOptions {
  /** Default 0: a free port. */
  readonly port?: number;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Accepted bearer tokens; default one generated user token. The first is `token` on the handle. */
  readonly tokens?: readonly (string | TokenSpec)[];
  /** The seeded organization; default `oo`. */
  readonly organization?: string;
  /** Milliseconds per clock tick (one run status per tick); default 200. 0: only `control.tick()`. */
  readonly stepDelayMs?: number;
  /** Scenario of runs no workspace or message rule matches; default `changes`. */
  readonly defaultScenario?: ScenarioName;
  /** Outputs of a successful apply; default `vm_name` and `ip_address` from the Terraform variables. */
  readonly outputs?: OutputsOption;
  /** Ticks during which a new state version's outputs answer 503; default 0. */
  readonly outputsProcessingTicks?: number;
  /** Default `1.9.4`. */
  readonly terraformVersion?: string;
  /** Delay after a cancel before force-cancel is allowed (ms); default two ticks. */
  readonly forceCancelCoolOffMs?: number;
}

export interface TfeSimulator {
  /** Base URL without the API prefix, e.g. `http://127.0.0.1:40123`; the API lives under `/api/v2`. */
  readonly url: string;
  /** A user token with access to `organization`. */
  readonly token: string;
  readonly organization: string;
  readonly control: TfeSimulatorControl;
  /** Stops the clock and closes the server and every open connection. */
  stop(): Promise<void>;
}

export async function startTfeSimulator(options: TfeSimulatorOptions = {}): Promise<TfeSimulator> {
  const organization = options.organization ?? 'oo';
  const stepDelayMs = options.stepDelayMs ?? 200;
  const specs: TokenSpec[] = (options.tokens ?? [`tfe-sim-${newSecret()}`]).map((spec) =>
    typeof spec === 'string' ? { token: spec } : spec,
  );
  if (specs.length === 0) throw new Error('startTfeSimulator: at least one token is needed');

  const store = createStore();
  store.organizations.set(organization, { kind: 'organization', id: organization, name: organization });
  const sim: SimContext = {
    store,
    clock: { ticks: 0, nowIso: () => new Date().toISOString() },
    principals: createPrincipals(specs, organization),
    faults: createFaults(),
    scenarios: {
      defaultScenario: options.defaultScenario ?? 'changes',
      byWorkspace: new Map(),
      byMessage: [],
    },
    requests: [],
    organization,
    terraformVersion: options.terraformVersion ?? '1.9.4',
    outputs: options.outputs,
    outputsProcessingTicks: options.outputsProcessingTicks ?? 0,
    baseUrl: '',
  };

  const api = createRouter();
  registerWorkspaceRoutes(api, sim);
  registerVariableRoutes(api, sim);
  registerConfigurationVersionRoutes(api, sim);
  registerRunRoutes(api, sim, options.forceCancelCoolOffMs ?? stepDelayMs * 2);
  registerPlanApplyRoutes(api, sim);
  registerStateRoutes(api, sim);

  const scheduler = startScheduler(sim, stepDelayMs);
  const control = createControl(sim, scheduler);
  const controlRouter = createRouter();
  registerControlRoutes(controlRouter, control);

  const server = createServer(createRequestListener(sim, api, controlRouter));
  sim.baseUrl = await listen(server, options.port, options.host);

  return {
    url: sim.baseUrl,
    token: specs[0]!.token,
    organization,
    control,
    async stop() {
      scheduler.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
