/**
 * What every part of the simulator shares: the store, the clock, tokens, faults, scenario rules and
 * the request log. Built once by `startTfeSimulator` and handed to each route group.
 */
import type { Principals } from './auth.js';
import type { Faults } from './faults.js';
import type { OutputsOption } from './outputs.js';
import type { ScenarioName } from './scenarios.js';
import type { Store, Workspace } from './store.js';

export interface RequestRecord {
  readonly method: string;
  /** Path without the query string (for upload and log URLs it includes their secret segment). */
  readonly path: string;
  /** HTTP status answered, or `reset` when the connection was destroyed. */
  readonly status: number | 'reset';
  readonly hadAuthorization: boolean;
  readonly at: string;
}

export interface ScenarioRules {
  defaultScenario: ScenarioName;
  /** Keyed by `<organization>/<workspace name>`, so a scenario can be set before the workspace exists. */
  readonly byWorkspace: Map<string, ScenarioName>;
  /** Checked newest first; the first rule whose text the run message contains wins. */
  readonly byMessage: { contains: string; scenario: ScenarioName }[];
}

export interface SimClock {
  /** Ticks elapsed since start; every state change happens on a tick. */
  ticks: number;
  nowIso(): string;
}

export interface SimContext {
  readonly store: Store;
  readonly clock: SimClock;
  readonly principals: Principals;
  readonly faults: Faults;
  readonly scenarios: ScenarioRules;
  readonly requests: RequestRecord[];
  readonly organization: string;
  readonly terraformVersion: string;
  readonly outputs: OutputsOption | undefined;
  outputsProcessingTicks: number;
  /** `http://127.0.0.1:<port>`, known once the server listens. */
  baseUrl: string;
}

/** The scenario a new run of `workspace` with `message` follows. */
export function scenarioFor(sim: SimContext, workspace: Workspace, message: string): ScenarioName {
  for (let i = sim.scenarios.byMessage.length - 1; i >= 0; i--) {
    const rule = sim.scenarios.byMessage[i]!;
    if (message.includes(rule.contains)) return rule.scenario;
  }
  return (
    sim.scenarios.byWorkspace.get(workspaceKey(workspace.organization, workspace.name)) ??
    sim.scenarios.defaultScenario
  );
}

export const MAX_REQUEST_RECORDS = 10_000;

export function recordRequest(sim: SimContext, record: RequestRecord): void {
  sim.requests.push(record);
  if (sim.requests.length > MAX_REQUEST_RECORDS)
    sim.requests.splice(0, sim.requests.length - MAX_REQUEST_RECORDS);
}

export function workspaceKey(organization: string, name: string): string {
  return `${organization}/${name}`;
}
