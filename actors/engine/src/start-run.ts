/**
 * Starting a run: validate the input, lay out every task as pending (or, when resuming, carry the
 * ones that succeeded in the previous run), then start the tasks that need nothing.
 */
import type { ErrorData } from '@oo/contracts';
import type { LoadedTemplate } from './loaded-template.js';
import { holdsRef, type ResolvedOutputs } from './output-refs.js';
import { emitRun, emitTask, errorData, newStep, pendingEntry } from './plan-step.js';
import type { PlanLimits, PlannerEvent, PlanResult } from './planner-types.js';
import type { RunState, TaskState } from './run-state.js';
import { drain } from './task-flow.js';

type StartEvent = Extract<PlannerEvent, { kind: 'start' }>;

function initialState(event: StartEvent, template: string, version: number, templateKey: string): RunState {
  const { start, at, traceId } = event;
  return {
    runId: start.runId,
    template,
    version,
    templateKey,
    status: 'running',
    input: start.input,
    ...(start.requestId === undefined ? {} : { requestId: start.requestId }),
    traceId,
    ...(start.parent ? { parent: start.parent } : {}),
    ...(start.rerunOf ? { rerunOf: start.rerunOf } : {}),
    tasks: {},
    open: 0,
    outputRefs: false,
    startedAt: at,
    updatedAt: at,
  };
}

/** Records a run that cannot start at all (say its template is not loaded) as failed with `error`. */
export function rejectStart(event: StartEvent, error: ErrorData): PlanResult {
  const state = initialState(event, event.start.template, event.start.version ?? 0, '');
  const step = { state, at: event.at, commands: [] };
  state.status = 'failed';
  state.error = error;
  state.finishedAt = event.at;
  emitRun(step);
  return { state, commands: step.commands };
}

export async function startRun(
  tpl: LoadedTemplate,
  event: StartEvent,
  resolved?: ResolvedOutputs,
  limits?: PlanLimits,
): Promise<PlanResult> {
  const { name, version } = tpl.template;
  const state = initialState(event, name, version, tpl.key);
  const step = newStep(tpl, state, event.at, resolved, limits);
  const validation = tpl.validateInput(event.start.input);
  if (!validation.ok) {
    const text = validation.issues.map((i) => `${i.path || '(input)'} ${i.message}`).join('; ');
    state.status = 'failed';
    state.error = errorData(
      'OO_ERR_WORKFLOW_INPUT_INVALID',
      `input of ${name}@${version} is invalid: ${text}`,
      {
        issues: validation.issues,
      },
    );
    state.finishedAt = event.at;
    emitRun(step);
    return { state, commands: step.commands };
  }
  state.input = validation.value;
  emitRun(step);

  const previous = resumable(event, name);
  for (const [id, ct] of tpl.tasks) {
    const before = previous?.tasks[id];
    if (before?.status === 'succeeded' && before.type === ct.spec.type) {
      const task = carry(before);
      state.tasks[id] = task;
      if (holdsRef(task.output)) state.outputRefs = true;
      emitTask(step, id, task, 'succeeded', 0, { output: task.output });
    } else {
      state.open++;
    }
  }
  // A pending task gets an entry only once one of its needs has finished (or carried over), the
  // roots at once: a big template's state starts small.
  for (const [id, ct] of tpl.tasks) {
    if (state.tasks[id]) continue;
    const waiting = ct.needs.filter((need) => state.tasks[need]?.status !== 'succeeded').length;
    if (waiting === ct.needs.length && waiting > 0) continue;
    pendingEntry(step, id).waiting = waiting;
    if (waiting === 0) step.ready.push(id);
  }
  await drain(step);
  return { state, commands: step.commands };
}

// The previous run counts only for a resume of that very run of the same template.
function resumable(event: StartEvent, template: string): RunState | undefined {
  const { previous, start } = event;
  if (!previous || start.rerunOf?.mode !== 'resume') return undefined;
  if (previous.runId !== start.rerunOf.runId || previous.template !== template) return undefined;
  return previous;
}

function carry(before: TaskState): TaskState {
  return {
    type: before.type,
    status: 'succeeded',
    attempt: 0,
    ...(before.output === undefined ? {} : { output: before.output }),
    ...(before.scheduledAt ? { scheduledAt: before.scheduledAt } : {}),
    ...(before.finishedAt ? { finishedAt: before.finishedAt } : {}),
    ...(before.childRunId ? { childRunId: before.childRunId } : {}),
    ...(before.forEach
      ? { forEach: { total: before.forEach.total, next: before.forEach.next, done: before.forEach.done } }
      : {}),
    carried: true,
  };
}
