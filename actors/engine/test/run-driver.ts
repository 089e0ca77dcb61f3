/**
 * Test support: drives one run through the planner as the engine actor would, checking after every
 * event that the state survives a JSON/zod round trip and every command builds a valid bus message.
 */
import { type ErrorData, RunEvent, StartRun, TaskEvent, TaskMessage } from '@oo/contracts';
import { expect } from 'vitest';
import {
  compileTemplate,
  type LoadedTemplate,
  type PlannerCommand,
  type PlannerEvent,
  plan,
  type ResolvedOutputs,
  RunState,
} from '../src/index.js';
import type { AbandonedTask } from '../src/planner-types.js';

export const TRACE = '0af7651916cd43dd8448eb211c80319c';

/** A template named `t` (version 1) unless the json says otherwise; throws like the loader does. */
export function template(json: Record<string, unknown>): LoadedTemplate {
  return compileTemplate({ name: 't', version: 1, ...json }, 'test.json', undefined);
}

/** Deterministic clock: second n of 2024-01-01. */
export function at(n: number): string {
  return new Date(Date.UTC(2024, 0, 1, 0, 0, n)).toISOString();
}

const PlannedTaskEvent = TaskEvent.omit({ requestId: true });
const PlannedRunEvent = RunEvent.omit({ requestId: true });

export function checkCommands(runId: string, commands: readonly PlannerCommand[]): void {
  for (const c of commands) {
    if (c.kind === 'task-event') PlannedTaskEvent.parse(c.event);
    if (c.kind === 'run-event') PlannedRunEvent.parse(c.event);
    if (c.kind === 'schedule') {
      const { kind: _, ...message } = c;
      TaskMessage.parse({ runId, ...message });
    }
    if (c.kind === 'start-child') {
      StartRun.parse({
        runId: c.childRunId,
        template: c.template,
        ...(c.version === undefined ? {} : { version: c.version }),
        input: c.input,
        parent: { runId, taskKey: c.taskKey },
      });
    }
  }
}

export interface RunDriver {
  readonly tpl: LoadedTemplate;
  readonly runId: string;
  readonly state: RunState;
  /** Every event applied so far, for replays. */
  readonly events: PlannerEvent[];
  apply(event: PlannerEvent): Promise<PlannerCommand[]>;
  start(input?: unknown, extra?: Partial<StartRun> & { previous?: RunState }): Promise<PlannerCommand[]>;
  succeed(taskKey: string, output?: unknown, attempt?: number): Promise<PlannerCommand[]>;
  fail(taskKey: string, error?: ErrorData): Promise<PlannerCommand[]>;
  childFinished(
    taskKey: string,
    status: 'succeeded' | 'failed' | 'cancelled',
    extra?: { output?: unknown; error?: ErrorData; childRunId?: string },
  ): Promise<PlannerCommand[]>;
  cancel(reason?: string): Promise<PlannerCommand[]>;
  reconcile(abandon?: readonly AbandonedTask[]): Promise<PlannerCommand[]>;
}

/** `outputs`: the values of outputs kept by reference, as the engine actor would load them. */
export function drive(tpl: LoadedTemplate, runId = 'run1', outputs?: ResolvedOutputs): RunDriver {
  let state: RunState | undefined;
  let clock = 0;
  const events: PlannerEvent[] = [];
  const report = (
    taskKey: string,
    rest: { status: 'succeeded' | 'failed'; output?: unknown; error?: ErrorData },
    attempt = 1,
  ) => {
    const when = at(++clock);
    return driver.apply({
      kind: 'report',
      at: when,
      report: { runId, taskKey, type: 'noop', attempt, startedAt: when, at: when, ...rest },
    });
  };
  const driver: RunDriver = {
    tpl,
    runId,
    get state() {
      if (!state) throw new Error('the run has not started');
      return state;
    },
    events,
    async apply(event) {
      events.push(event);
      const result = await plan(tpl, state, event, outputs);
      const copy: unknown = JSON.parse(JSON.stringify(result.state));
      expect(RunState.parse(copy)).toEqual(copy);
      checkCommands(runId, result.commands);
      state = result.state;
      return result.commands;
    },
    start: (input = {}, extra = {}) => {
      const { previous, ...start } = extra;
      return driver.apply({
        kind: 'start',
        at: at(clock),
        traceId: TRACE,
        start: { runId, template: tpl.template.name, input, ...start },
        ...(previous ? { previous } : {}),
      });
    },
    succeed: (taskKey, output, attempt = 1) =>
      report(taskKey, { status: 'succeeded', ...(output === undefined ? {} : { output }) }, attempt),
    fail: (taskKey, error = { code: 'OO_ERR_TIMEOUT', message: `${taskKey} timed out`, retryable: false }) =>
      report(taskKey, { status: 'failed', error }),
    childFinished: (taskKey, status, extra = {}) =>
      driver.apply({
        kind: 'child-finished',
        at: at(++clock),
        taskKey,
        childRunId: extra.childRunId ?? state?.tasks[taskKey]?.childRunId ?? 'none',
        status,
        ...(extra.output === undefined ? {} : { output: extra.output }),
        ...(extra.error ? { error: extra.error } : {}),
      }),
    cancel: (reason = 'operator asked') => driver.apply({ kind: 'cancel', at: at(++clock), reason }),
    reconcile: (abandon) =>
      driver.apply({ kind: 'reconcile', at: at(++clock), ...(abandon ? { abandon } : {}) }),
  };
  return driver;
}

/** Keys of the tasks the commands schedule (or start child runs for), in order. */
export function dispatched(commands: readonly PlannerCommand[]): string[] {
  return commands.flatMap((c) => (c.kind === 'schedule' || c.kind === 'start-child' ? [c.taskKey] : []));
}

/** Task transitions as `key:status`, in order. */
export function transitions(commands: readonly PlannerCommand[]): string[] {
  return commands.flatMap((c) => (c.kind === 'task-event' ? [`${c.event.taskKey}:${c.event.status}`] : []));
}

/** Run statuses the commands announce. */
export function runStatuses(commands: readonly PlannerCommand[]): string[] {
  return commands.flatMap((c) => (c.kind === 'run-event' ? [c.event.status] : []));
}

export function commandsOf<K extends PlannerCommand['kind']>(
  commands: readonly PlannerCommand[],
  kind: K,
): Extract<PlannerCommand, { kind: K }>[] {
  return commands.filter((c): c is Extract<PlannerCommand, { kind: K }> => c.kind === kind);
}
