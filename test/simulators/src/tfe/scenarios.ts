/**
 * Scenario scripts: the sequence of run statuses (tfe-api.md §5.3) a run walks through, one status per
 * clock tick. A step marked `awaitsConfirmation` holds until `POST /runs/{id}/actions/apply`.
 */
import type { RunStatus } from './store.js';

export const SCENARIO_NAMES = [
  /** Plan with changes, then wait for confirmation (or apply by itself when the run auto-applies). */
  'changes',
  /** As `changes`, but the run applies itself whatever its `auto-apply` says. */
  'auto-apply',
  /** Plan finds nothing to do: ends `planned_and_finished`, `has-changes: false`. */
  'no-changes',
  /** `planning → errored`. */
  'plan-errored',
  /** Plan fine, confirmation, then `applying → errored`. */
  'apply-errored',
  /** `planned → cost_estimating → cost_estimated`, confirmable there. */
  'cost-estimation',
  /** `planned → policy_checking → policy_checked`, confirmable there. */
  'policy-checked',
  /** Holds in `plan_queued` and `apply_queued` for several ticks (no worker capacity). */
  'slow-queue',
  /** A cancel is acknowledged but never completes, so only force-cancel ends the run. */
  'cancel-hangs',
] as const;

export type ScenarioName = (typeof SCENARIO_NAMES)[number];

export interface Step {
  readonly status: RunStatus;
  readonly awaitsConfirmation?: true;
}

interface ScenarioSpec {
  readonly planOutcome: 'changes' | 'no-changes' | 'errored';
  /** Statuses after a successful plan with changes; the last is where confirmation is awaited. */
  readonly review: readonly RunStatus[];
  readonly applyOutcome: 'applied' | 'errored';
  readonly forceAutoApply: boolean;
  /** Extra ticks spent in each `*_queued` status. */
  readonly queueHoldTicks: number;
  readonly cancelHangs: boolean;
}

const BASE: ScenarioSpec = {
  planOutcome: 'changes',
  review: ['planned'],
  applyOutcome: 'applied',
  forceAutoApply: false,
  queueHoldTicks: 0,
  cancelHangs: false,
};

const SPECS: Record<ScenarioName, ScenarioSpec> = {
  changes: BASE,
  'auto-apply': { ...BASE, forceAutoApply: true },
  'no-changes': { ...BASE, planOutcome: 'no-changes' },
  'plan-errored': { ...BASE, planOutcome: 'errored' },
  'apply-errored': { ...BASE, applyOutcome: 'errored' },
  'cost-estimation': { ...BASE, review: ['planned', 'cost_estimating', 'cost_estimated'] },
  'policy-checked': { ...BASE, review: ['planned', 'policy_checking', 'policy_checked'] },
  'slow-queue': { ...BASE, queueHoldTicks: 4 },
  'cancel-hangs': { ...BASE, cancelHangs: true },
};

export function isScenarioName(value: unknown): value is ScenarioName {
  return typeof value === 'string' && (SCENARIO_NAMES as readonly string[]).includes(value);
}

export function scenarioForcesAutoApply(name: ScenarioName): boolean {
  return SPECS[name].forceAutoApply;
}

export function scenarioHangsOnCancel(name: ScenarioName): boolean {
  return SPECS[name].cancelHangs;
}

/** Whether the plan of this scenario finds changes (it may still error). */
export function scenarioPlanHasChanges(name: ScenarioName): boolean {
  return SPECS[name].planOutcome !== 'no-changes';
}

/** The full script of a run, starting at `pending`. */
export function buildScript(name: ScenarioName, run: { autoApply: boolean; planOnly: boolean }): Step[] {
  const spec = SPECS[name];
  const hold = (status: RunStatus): Step[] =>
    Array.from({ length: 1 + spec.queueHoldTicks }, () => ({ status }));
  const steps: Step[] = [{ status: 'pending' }, ...hold('plan_queued'), { status: 'planning' }];
  if (spec.planOutcome === 'errored') return [...steps, { status: 'errored' }];
  if (spec.planOutcome === 'no-changes' || run.planOnly)
    return [...steps, { status: 'planned_and_finished' }];

  const review: Step[] = spec.review.map((status) => ({ status }));
  const autoApply = run.autoApply || spec.forceAutoApply;
  if (!autoApply) {
    const last = review.length - 1;
    review[last] = { status: spec.review[last]!, awaitsConfirmation: true };
    review.push({ status: 'confirmed' });
  }
  const final: RunStatus = spec.applyOutcome === 'applied' ? 'applied' : 'errored';
  return [...steps, ...review, ...hold('apply_queued'), { status: 'applying' }, { status: final }];
}
