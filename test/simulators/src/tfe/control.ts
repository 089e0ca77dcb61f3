/**
 * The test's handle on the simulator, in-process (`sim.control`) and over HTTP (`/_sim/...`, see
 * control-routes.ts): inject faults, choose scenarios, drive the clock, and read what happened —
 * runs and configuration versions per workspace, each uploaded tarball's files, and a request log.
 */
import type { FaultRule } from './faults.js';
import type { ScenarioName } from './scenarios.js';
import type { Scheduler } from './scheduler.js';
import { type RequestRecord, type SimContext, workspaceKey } from './sim-context.js';
import type { Workspace } from './store.js';

export type ScenarioTarget =
  /** A workspace by name (in the seeded organization unless given) or by id. */
  | { readonly workspace: string; readonly organization?: string }
  /** Runs whose message contains this text; the newest such rule wins over workspace rules. */
  | { readonly messageContains: string };

export interface UploadReport {
  readonly configurationVersionId: string;
  readonly status: string;
  readonly errorMessage: string | null;
  readonly files: readonly { path: string; size: number }[];
  /** File contents as UTF-8 text, by path. */
  readonly contents: Readonly<Record<string, string>>;
}

export interface WorkspaceReport {
  readonly id: string;
  readonly organization: string;
  readonly name: string;
  readonly runCount: number;
  readonly configurationVersionCount: number;
  /** Oldest first. */
  readonly runs: readonly { id: string; status: string; message: string; source: string; scenario: string }[];
  /** Configuration versions that received an upload, oldest first. */
  readonly uploads: readonly UploadReport[];
}

export interface RequestFilter {
  readonly method?: string;
  /** Exact path or RegExp on the path. */
  readonly path?: string | RegExp;
}

export interface TfeSimulatorControl {
  /** The next `rule.times` (default 1) requests matching method + path misbehave. */
  injectFault(rule: FaultRule): void;
  clearFaults(): void;
  /** Without a target, sets the default scenario for runs no other rule matches. */
  setScenario(scenario: ScenarioName, target?: ScenarioTarget): void;
  /** Advances the clock by `count` ticks now (the only clock when `stepDelayMs` is 0). */
  tick(count?: number): void;
  workspaces(): WorkspaceReport[];
  /** By name (in `organization`, default the seeded one) or by id. */
  workspace(nameOrId: string, organization?: string): WorkspaceReport | undefined;
  /** Requests answered so far (not the control API), oldest first. */
  requests(filter?: RequestFilter): RequestRecord[];
  /** Later requests with this token get 401. */
  revokeToken(token: string): void;
  /** Outputs of state versions recorded from now on answer 503 for this many ticks. */
  setOutputsProcessingTicks(ticks: number): void;
}

export function createControl(sim: SimContext, scheduler: Scheduler): TfeSimulatorControl {
  const findWorkspace = (nameOrId: string, organization = sim.organization): Workspace | undefined =>
    sim.store.workspaces.get(nameOrId) ?? sim.store.workspaceByName(organization, nameOrId);
  return {
    injectFault: (rule) => sim.faults.add(rule),
    clearFaults: () => sim.faults.clear(),
    setScenario(scenario, target) {
      if (!target) sim.scenarios.defaultScenario = scenario;
      else if ('messageContains' in target) {
        sim.scenarios.byMessage.push({ contains: target.messageContains, scenario });
      } else {
        const ws = sim.store.workspaces.get(target.workspace);
        const key = ws
          ? workspaceKey(ws.organization, ws.name)
          : workspaceKey(target.organization ?? sim.organization, target.workspace);
        sim.scenarios.byWorkspace.set(key, scenario);
      }
    },
    tick: (count) => scheduler.tick(count),
    workspaces: () => [...sim.store.workspaces.values()].map((ws) => report(sim, ws)),
    workspace(nameOrId, organization) {
      const ws = findWorkspace(nameOrId, organization);
      return ws ? report(sim, ws) : undefined;
    },
    requests(filter = {}) {
      const method = filter.method?.toUpperCase();
      return sim.requests.filter(
        (record) =>
          (method === undefined || record.method === method) &&
          (filter.path === undefined ||
            (typeof filter.path === 'string' ? record.path === filter.path : filter.path.test(record.path))),
      );
    },
    revokeToken: (token) => sim.principals.revoke(token),
    setOutputsProcessingTicks(ticks) {
      sim.outputsProcessingTicks = ticks;
    },
  };
}

function report(sim: SimContext, ws: Workspace): WorkspaceReport {
  const runs = sim.store.runsOf(ws.id);
  const cvs = sim.store.configurationVersionsOf(ws.id);
  return {
    id: ws.id,
    organization: ws.organization,
    name: ws.name,
    runCount: runs.length,
    configurationVersionCount: cvs.length,
    runs: runs.map((run) => ({
      id: run.id,
      status: run.status,
      message: run.message,
      source: run.source,
      scenario: run.scenario,
    })),
    uploads: cvs.flatMap((cv) =>
      cv.upload
        ? [
            {
              configurationVersionId: cv.id,
              status: cv.status,
              errorMessage: cv.upload.error,
              files: cv.upload.files.map((file) => ({ path: file.path, size: file.size })),
              contents: Object.fromEntries(
                cv.upload.files.map((file) => [file.path, file.content.toString('utf8')]),
              ),
            },
          ]
        : [],
    ),
  };
}
