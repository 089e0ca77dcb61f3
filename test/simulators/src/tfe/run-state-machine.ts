/**
 * The run state machine of tfe-api.md §5.3. A run walks its scenario script one status per clock tick
 * (`advance`); user actions (`confirm`, `discard`, `cancel`, `forceCancel`) either move it at once or
 * throw 409 "transition not allowed". The `actions` flags are derived from the same predicates the
 * actions check, so a flag is true exactly when the matching POST would be accepted.
 */
import { transitionNotAllowed } from './json-api.js';
import { appendLog, closeLog, LogText, newLogBuffer } from './logs.js';
import { recordAppliedState } from './outputs.js';
import { buildScript, scenarioHangsOnCancel, scenarioPlanHasChanges } from './scenarios.js';
import { type SimContext, scenarioFor } from './sim-context.js';
import {
  type ConfigurationVersion,
  newTfeId,
  type Phase,
  type PhaseStatus,
  type Run,
  type RunStatus,
  type Workspace,
} from './store.js';

const FINAL_RUN: ReadonlySet<RunStatus> = new Set([
  'applied',
  'planned_and_finished',
  'discarded',
  'errored',
  'canceled',
  'force_canceled',
]);
const FINAL_PHASE: ReadonlySet<PhaseStatus> = new Set(['finished', 'errored', 'canceled', 'unreachable']);
/** Statuses a cancel ends at once: no Terraform process is running yet. */
const NOT_STARTED: ReadonlySet<RunStatus> = new Set(['pending', 'plan_queued', 'apply_queued', 'confirmed']);

export const isFinalRun = (run: Run): boolean => FINAL_RUN.has(run.status);

/** Holding the workspace: started and not finished. Only one such run per workspace. */
export const isActiveRun = (run: Run): boolean => run.status !== 'pending' && !isFinalRun(run);

export const isAwaitingConfirmation = (run: Run): boolean =>
  !isFinalRun(run) && run.script[run.cursor]?.awaitsConfirmation === true;

const canDiscard = (run: Run): boolean => run.status === 'pending' || isAwaitingConfirmation(run);
const canCancel = (run: Run): boolean =>
  !isFinalRun(run) && !isAwaitingConfirmation(run) && !run.cancelRequested;
const canForceCancel = (run: Run, nowMs: number): boolean =>
  run.cancelRequested &&
  !isFinalRun(run) &&
  run.forceCancelAvailableAt !== null &&
  Date.parse(run.forceCancelAvailableAt) <= nowMs;

export function actionsOf(run: Run, nowMs: number): Record<string, boolean> {
  return {
    'is-cancelable': canCancel(run),
    'is-confirmable': isAwaitingConfirmation(run),
    'is-discardable': canDiscard(run),
    'is-force-cancelable': canForceCancel(run, nowMs),
  };
}

/** Runs ahead of this one in its workspace (0 once it holds the workspace). */
export function positionInQueue(sim: SimContext, run: Run): number {
  if (run.status !== 'pending') return 0;
  const runs = sim.store.runsOf(run.workspaceId);
  return runs.slice(0, runs.indexOf(run)).filter((ahead) => !isFinalRun(ahead)).length;
}

export interface NewRunInput {
  readonly message: string;
  readonly source: string;
  readonly triggerReason: string;
  readonly isDestroy: boolean;
  readonly autoApply: boolean;
  readonly planOnly: boolean;
  readonly variables: readonly { key: string; value: string }[];
}

/** Creates a `pending` run with its plan and apply; the scheduler starts it when the workspace is free. */
export function createRun(
  sim: SimContext,
  workspace: Workspace,
  configurationVersion: ConfigurationVersion,
  input: NewRunInput,
): Run {
  const scenario = scenarioFor(sim, workspace, input.message);
  const now = sim.clock.nowIso();
  const run: Run = {
    kind: 'run',
    id: newTfeId('run'),
    workspaceId: workspace.id,
    configurationVersionId: configurationVersion.id,
    planId: newTfeId('plan'),
    applyId: newTfeId('apply'),
    status: 'pending',
    statusTimestamps: { 'plan-queueable-at': now },
    ...input,
    hasChanges: false,
    createdAt: now,
    canceledAt: null,
    forceCancelAvailableAt: null,
    scenario,
    script: buildScript(scenario, input),
    cursor: 0,
    cancelRequested: false,
  };
  const phase = (kind: 'plan' | 'apply', id: string): Phase => ({
    kind,
    id,
    runId: run.id,
    status: 'pending',
    statusTimestamps: {},
    resourceAdditions: 0,
    resourceChanges: 0,
    resourceDestructions: 0,
    log: newLogBuffer(),
  });
  sim.store.runs.set(run.id, run);
  sim.store.plans.set(run.planId, phase('plan', run.planId));
  sim.store.applies.set(run.applyId, phase('apply', run.applyId));
  return run;
}

/** One clock tick for a run that holds its workspace (or is about to). */
export function advance(sim: SimContext, run: Run): void {
  if (isFinalRun(run)) return;
  if (run.cancelRequested) {
    if (!scenarioHangsOnCancel(run.scenario)) enter(sim, run, 'canceled');
    return;
  }
  if (isAwaitingConfirmation(run)) return;
  const next = run.script[run.cursor + 1];
  if (!next) return;
  run.cursor += 1;
  enter(sim, run, next.status);
}

/** `POST /runs/{id}/actions/apply`. */
export function confirm(sim: SimContext, run: Run): void {
  if (!isAwaitingConfirmation(run))
    throw transitionNotAllowed(`run is ${run.status}, not awaiting confirmation`);
  run.cursor += 1;
  enter(sim, run, run.script[run.cursor]!.status);
}

/** `POST /runs/{id}/actions/discard`. */
export function discard(sim: SimContext, run: Run): void {
  if (!canDiscard(run)) throw transitionNotAllowed(`run is ${run.status} and cannot be discarded`);
  enter(sim, run, 'discarded');
}

/** `POST /runs/{id}/actions/cancel`: at once before Terraform runs, else on the next tick. */
export function cancel(sim: SimContext, run: Run, forceCancelCoolOffMs: number): void {
  if (!canCancel(run)) throw transitionNotAllowed(`run is ${run.status} and cannot be canceled`);
  const now = Date.now();
  run.canceledAt = new Date(now).toISOString();
  run.forceCancelAvailableAt = new Date(now + forceCancelCoolOffMs).toISOString();
  if (NOT_STARTED.has(run.status)) enter(sim, run, 'canceled');
  else run.cancelRequested = true;
}

/** `POST /runs/{id}/actions/force-cancel`: only after a cancel and its cool-off. */
export function forceCancel(sim: SimContext, run: Run): void {
  if (!canForceCancel(run, Date.now()))
    throw transitionNotAllowed(`run is ${run.status}; force-cancel not available`);
  enter(sim, run, 'force_canceled');
}

function enter(sim: SimContext, run: Run, status: RunStatus): void {
  const now = sim.clock.nowIso();
  const workspace = sim.store.workspaces.get(run.workspaceId)!;
  const plan = sim.store.plans.get(run.planId)!;
  const apply = sim.store.applies.get(run.applyId)!;
  run.status = status;
  run.statusTimestamps[`${status.replaceAll('_', '-')}-at`] = now;

  switch (status) {
    case 'plan_queued':
      setPhase(plan, 'queued', now);
      return;
    case 'planning':
      setPhase(plan, 'running', now);
      appendLog(plan.log, LogText.planStart(sim.terraformVersion));
      return;
    case 'planned_and_finished':
      finishPlan(run, plan, now);
      setPhase(apply, 'unreachable', now);
      return;
    case 'planned':
    case 'cost_estimating':
    case 'cost_estimated':
    case 'policy_checking':
    case 'policy_checked':
      if (plan.status === 'running') finishPlan(run, plan, now);
      return;
    case 'apply_queued':
      setPhase(apply, 'queued', now);
      return;
    case 'applying':
      setPhase(apply, 'running', now);
      appendLog(apply.log, LogText.applyStart(sim.terraformVersion) + LogText.applyProgress(run.isDestroy));
      return;
    case 'applied':
      apply.resourceAdditions = plan.resourceAdditions;
      apply.resourceDestructions = plan.resourceDestructions;
      appendLog(apply.log, LogText.applyDone(run.isDestroy));
      setPhase(apply, 'finished', now);
      recordAppliedState(sim, workspace, run);
      return;
    case 'errored':
      if (plan.status === 'running') {
        appendLog(plan.log, LogText.planError(run.scenario));
        setPhase(plan, 'errored', now);
        setPhase(apply, 'unreachable', now);
      } else {
        appendLog(apply.log, LogText.applyError(run.scenario));
        setPhase(apply, 'errored', now);
      }
      return;
    case 'discarded':
      if (!FINAL_PHASE.has(plan.status)) setPhase(plan, 'unreachable', now);
      setPhase(apply, 'unreachable', now);
      return;
    case 'canceled':
    case 'force_canceled':
      for (const phase of [plan, apply]) {
        if (phase.status === 'running' || phase.status === 'queued') {
          appendLog(phase.log, LogText.canceled());
          setPhase(phase, 'canceled', now);
        } else if (!FINAL_PHASE.has(phase.status)) {
          setPhase(phase, 'unreachable', now);
        }
      }
      return;
    case 'pending':
    case 'confirmed':
      return;
  }
}

function finishPlan(run: Run, plan: Phase, now: string): void {
  run.hasChanges = scenarioPlanHasChanges(run.scenario);
  if (run.hasChanges) {
    if (run.isDestroy) plan.resourceDestructions = 1;
    else plan.resourceAdditions = 1;
  }
  appendLog(plan.log, run.hasChanges ? LogText.planChanges(run.isDestroy) : LogText.planNoChanges());
  setPhase(plan, 'finished', now);
}

const PHASE_TIMESTAMP: Record<PhaseStatus, string> = {
  pending: 'pending-at',
  queued: 'queued-at',
  running: 'started-at',
  finished: 'finished-at',
  errored: 'errored-at',
  canceled: 'canceled-at',
  unreachable: 'unreachable-at',
};

function setPhase(phase: Phase, status: PhaseStatus, now: string): void {
  phase.status = status;
  phase.statusTimestamps[PHASE_TIMESTAMP[status]] = now;
  if (FINAL_PHASE.has(status)) closeLog(phase.log);
}
