/**
 * The engine actor: reacts to run commands, the runners' task end events and child-run endings by
 * planning (pure) and executing the planner's commands. Run state lives in KV and changes only by
 * compare-and-set, so any number of engine replicas work on the same runs safely.
 */
import {
  BucketNames,
  EngineSubjects,
  type ErrorData,
  KEEP_ENDED_RUNS_MS,
  ObjectStoreNames,
  OoError,
  RunEnd,
  runEndKey,
  taskEndKey,
  taskEventSubject,
  toOoError,
} from '@oo/contracts';
import {
  type ActorContext,
  type ActorEnv,
  DEFAULT_RETRY,
  defineActor,
  type HandlerOptions,
  on,
  type RetryPolicy,
  TaskState,
} from '@oo/runtime';
import { z } from 'zod';
import { childEndedOf } from './child-ended.js';
import { executeCommands, type RecordRunEnd } from './command-executor.js';
import { lookInFlight } from './in-flight-look.js';
import { recordLateSuccesses } from './late-success.js';
import { liveTemplates } from './live-templates.js';
import { engineOutputs } from './output-store.js';
import { plan } from './planner.js';
import type { PlanLimits, PlannerEvent, PlanResult } from './planner-types.js';
import { startReconciler } from './reconciler.js';
import { endCommands } from './run-end.js';
import { type RunStep, runQueue } from './run-queue.js';
import { startRunRetention } from './run-retention.js';
import {
  isInFlightTask,
  isNewerLayout,
  isTerminalRun,
  RunSegment,
  type RunState,
  RunState as RunStateSchema,
} from './run-state.js';
import { runStateEncoder } from './run-state-encoder.js';
import { isStateTooLarge, runKey, runStore } from './run-store.js';
import { rejectStart } from './start-run.js';
import { formatProblem } from './template-loader.js';
import { templateSnapshots } from './template-snapshots.js';

export interface EngineOptions {
  /** Folder of template JSON files, read again whenever a file in it is added, edited or removed. */
  templatesDir: string;
  /** How often the templates folder is looked at besides the file system's events (ms; default 5 s). */
  templatesCheckMs?: number;
  /** Task types some runner hosts; templates naming others are refused at load. Unchecked when absent. */
  knownTaskTypes?: ReadonlySet<string>;
  /** How often the reconciler looks for runs that stopped moving (ms). */
  reconcileIntervalMs?: number;
  /** A running run untouched this long is reconciled (ms). */
  stuckAfterMs?: number;
  /** A task in flight that no runner has taken or finished this long fails (ms; default 24 h). */
  abandonAfterMs?: number;
  /** How long a run is kept in KV once it ended (ms; default 30 days, as events and outputs). */
  keepEndedRunsMs?: number;
  /** How often to look for ended runs to remove (ms; default 1 h). */
  retentionIntervalMs?: number;
  /** Bytes of large outputs (read from the object store) an instance keeps in memory (default 64 MiB). */
  outputCacheBytes?: number;
  /**
   * How a start that failed with a retryable error is tried again before its run is refused with
   * that error (default: the runtime's, 5 deliveries over ~21 s).
   */
  startRetry?: RetryPolicy;
}

/** The engine's timings where its options leave them out; `oo`'s config defaults to the same. */
export const ENGINE_DEFAULTS = {
  reconcileIntervalMs: 60_000,
  stuckAfterMs: 5 * 60_000,
  abandonAfterMs: 24 * 60 * 60_000,
  keepEndedRunsMs: KEEP_ENDED_RUNS_MS,
  retentionIntervalMs: 60 * 60_000,
} as const;

const Snapshot = z.unknown();

/**
 * Deliveries each engine handler works on at once. A delivery spends most of its time waiting for
 * the KV compare-and-set and the publishes' acks, not on the CPU, and the run queue keeps one run's
 * steps in order whatever arrives together; at the runtime's default of 32, an engine in a process
 * of its own idled at ~60% CPU while runs waited. Measured (engine.diamond, processes): +20-25%.
 */
const HANDLER_CONCURRENCY = 128;

const withEngineConcurrency = <H extends { options: HandlerOptions }>(h: H): H => ({
  ...h,
  options: { concurrency: HANDLER_CONCURRENCY, ...h.options },
});

/** Runs with this many tasks gather the events that arrive together into one step (run-queue.ts). */
const GATHER_FROM_TASKS = 200;

function rerunUnavailable(runId: string): OoError {
  return new OoError(
    'OO_ERR_WORKFLOW_RERUN_UNAVAILABLE',
    `cannot resume run ${runId}: its state is not kept (runs are removed a while after they end, ` +
      'see engine.keepEndedRunsMs); rerun it with restart',
    { retryable: false, details: { runId } },
  );
}

export function engineActor(options: EngineOptions) {
  return defineActor({
    name: 'engine',
    version: '0.1.0',
    description: 'Runs workflow templates as DAGs of tasks',
    async setup(env: ActorEnv) {
      // The runs' heads: the run store writes them, the reconciler sweeps them.
      const heads = await env.bucket(BucketNames.runs, RunStateSchema, { trustReads: true });
      const segments = await env.bucket(BucketNames.runSegments, RunSegment, { trustReads: true });
      const runs = runStore(
        heads,
        segments,
        // Room for the write's subject and headers.
        { encode: runStateEncoder(), maxHeadBytes: () => env.maxPayload() - 4_096 },
      );
      const snapshots = templateSnapshots(await env.bucket(BucketNames.templates, Snapshot));
      const templates = await liveTemplates({
        dir: options.templatesDir,
        knownTaskTypes: options.knownTaskTypes,
        snapshots,
        log: env.log,
        report: (problem) => env.reportError({ code: problem.code, message: formatProblem(problem) }),
        ...(options.templatesCheckMs === undefined ? {} : { checkMs: options.templatesCheckMs }),
      });
      const runEnds = await env.bucket(BucketNames.runEnds, RunEnd);
      const recordEnd: RecordRunEnd = (end, taskKey) =>
        runEnds.put(taskKey === undefined ? runEndKey(end.runId) : taskEndKey(end.runId, taskKey), end);
      const outputs = engineOutputs(await env.objects(ObjectStoreNames.outputs), {
        inlineMaxBytes: env.config.outputs.inlineMaxBytes,
        cacheBytes: options.outputCacheBytes ?? 64 * 1024 * 1024,
      });

      // Room for the task message's other fields and its headers (the caller's token among them).
      const limits = (): PlanLimits => ({ maxInputBytes: env.maxPayload() - 8_192 });
      const startRetry = options.startRetry ?? DEFAULT_RETRY;

      /** Plans a step's events one after the other on the run's state (a run store step). */
      const planAll = (events: readonly PlannerEvent[]) => async (state: RunState) => {
        // Nothing is planned for an ended run, whose template may not be there at all (a run
        // refused at start names none): no template to look up. It records only the success of a
        // task its end cancelled, which needs none (late-success.ts).
        if (isTerminalRun(state.status)) return recordLateSuccesses(state, events);
        const template = await templates.ofRun(state.templateKey);
        const commands: PlanResult['commands'] = [];
        let next = state;
        for (const event of events) {
          const planned = await plan(template, next, event, await outputs.resolve(next, event), limits());
          commands.push(...planned.commands);
          next = planned.state;
        }
        return outputs.offload({ state: next, commands });
      };
      /** One step of a run: plan its events on the state, write it, publish the commands. */
      const step: RunStep<Pick<ActorContext, 'publish'>> = async (runId, events, publisher) => {
        let result: PlanResult | undefined;
        try {
          result = await runs.transition(runId, planAll(events));
        } catch (err) {
          if (!isStateTooLarge(err)) throw err;
          // The events cannot be stored; the run ends failed, saying why, rather than stay stuck.
          env.log.error({ run_id: runId, err: err.message }, 'run state too large to store; failing the run');
          const fail: PlannerEvent = { kind: 'fail', at: env.clock.iso(), error: err.toData() };
          result = await runs.transition(runId, planAll([fail]));
        }
        if (result) await executeCommands(publisher, result.state, result.commands, recordEnd);
        return result;
      };
      const queue = runQueue(step, (runId) => runs.cachedTasks(runId) >= GATHER_FROM_TASKS);
      const advance = (ctx: Pick<ActorContext, 'publish'>, runId: string, event: PlannerEvent) =>
        queue.submit(runId, event, ctx);
      /**
       * After an event's step. An earlier try of the event may have written its step and died (or
       * lost NATS) before publishing the commands. On a redelivery, a run still going is reconciled
       * (what it has in flight goes out again). A run that had ended before this step announces its
       * end again, redelivery or not: after a nats-server crash the server may number a redelivery
       * 1 again, and a run whose end never went out would otherwise stay unannounced for good, the
       * reconciler looking only at runs still going. Inside the duplicate window the repeat is
       * dropped by its id; past it, listeners hear the end twice, which every one of them takes as once.
       */
      const afterStep = async (ctx: ActorContext, result: PlanResult | undefined) => {
        if (!result) return;
        if (!isTerminalRun(result.state.status)) {
          if (ctx.attempt > 1)
            await advance(ctx, result.state.runId, { kind: 'reconcile', at: env.clock.iso() });
        } else if (result.commands.length === 0) {
          await executeCommands(ctx, result.state, endCommands(result.state), recordEnd);
        }
      };

      const reconciler = startReconciler({
        log: env.log,
        clock: env.clock,
        report: env.reportError,
        intervalMs: options.reconcileIntervalMs ?? ENGINE_DEFAULTS.reconcileIntervalMs,
        stuckAfterMs: options.stuckAfterMs ?? ENGINE_DEFAULTS.stuckAfterMs,
        abandonAfterMs: options.abandonAfterMs ?? ENGINE_DEFAULTS.abandonAfterMs,
        bucket: heads,
        lookInFlight: lookInFlight(
          heads,
          await env.bucket(BucketNames.taskVars, TaskState, { trustReads: true }),
        ),
        reconcile: (runId, abandon) =>
          advance({ publish: env.publish }, runId, { kind: 'reconcile', at: env.clock.iso(), abandon }),
      });

      const retention = startRunRetention({
        heads,
        segments,
        log: env.log,
        report: env.reportError,
        clock: env.clock,
        keepMs: options.keepEndedRunsMs ?? ENGINE_DEFAULTS.keepEndedRunsMs,
        intervalMs: options.retentionIntervalMs ?? ENGINE_DEFAULTS.retentionIntervalMs,
      });

      /**
       * Why a run just created (or started again) must be cancelled at once, or undefined. A cancel
       * that came before the run existed is left in `run_ends` by the cancel handler. A parent that
       * ended, or stopped waiting for this child (its forEach failed), before the child's start was
       * heard sent a cancel that found no run; it wrote that before sending the cancel, so a look
       * at the parent's head (its tasks in flight are there) after the child exists cannot miss it.
       */
      const unwanted = async (state: RunState): Promise<string | undefined> => {
        if (state.status !== 'running') return undefined;
        const end = (await runEnds.get(runEndKey(state.runId)))?.value;
        if (end?.status === 'cancelled') return end.reason;
        if (!state.parent) return undefined;
        const { runId, taskKey } = state.parent;
        const parent = (await heads.get(runKey(runId)))?.value;
        // No parent (a start from outside, or one removed long ago) or one a newer engine wrote: leave it.
        if (!parent || isNewerLayout(parent)) return undefined;
        const task = parent.tasks[taskKey];
        const waiting =
          parent.status === 'running' && task?.childRunId === state.runId && isInFlightTask(task.status);
        return waiting ? undefined : `parent run ${runId} no longer waits for it (task ${taskKey})`;
      };

      return {
        handlers: [
          on(
            EngineSubjects.start,
            async (ctx, start) => {
              const event: PlannerEvent & { kind: 'start' } = {
                kind: 'start',
                at: ctx.clock.iso(),
                start,
                traceId: ctx.traceId,
              };
              let result: PlanResult;
              try {
                const template = await templates.get(start.template, start.version);
                await snapshots.save(template);
                if (start.rerunOf) {
                  const previous = await runs.get(start.rerunOf.runId);
                  if (previous) event.previous = previous;
                  // Resuming without it would run again what had succeeded: refuse, saying why.
                  else if (start.rerunOf.mode === 'resume') throw rerunUnavailable(start.rerunOf.runId);
                }
                result = await plan(
                  template,
                  undefined,
                  event,
                  await outputs.resolve(undefined, event),
                  limits(),
                );
              } catch (err) {
                // What may pass is retried, not a reason to refuse the run: a store out of reach (the
                // KV client's own errors are not OoErrors), a state a newer replica wrote. On the last
                // delivery the run is refused with the error instead: its request hears an end, where
                // a dead-lettered start would leave it waiting for ever.
                const failure = toOoError(err);
                if (failure.retryable && ctx.attempt < startRetry.maxAttempts) throw err;
                const error: ErrorData = failure.toData();
                result = rejectStart(event, error);
              }
              // Created only if absent: a new run costs no read first; a repeated start is rare.
              const created = await runs.create(await outputs.offload(result)).catch((err: unknown) => {
                if (!isStateTooLarge(err)) throw err;
                return runs.create(rejectStart(event, err.toData()));
              });
              if (created) {
                const reason = await unwanted(created.state);
                // Unwanted already: announce the run, send none of its tasks, and cancel it.
                const commands =
                  reason === undefined
                    ? created.commands
                    : created.commands.filter((c) => c.kind === 'run-event');
                await executeCommands(ctx, created.state, commands, recordEnd);
                if (reason !== undefined)
                  await advance(ctx, start.runId, { kind: 'cancel', at: ctx.clock.iso(), reason });
                return undefined;
              }
              const existing = await runs.get(start.runId);
              if (!existing) return undefined;
              const reason = await unwanted(existing);
              if (reason !== undefined) {
                await advance(ctx, start.runId, { kind: 'cancel', at: ctx.clock.iso(), reason });
              } else if (ctx.attempt > 1) {
                // A repeated start: make sure what it scheduled went out (the first try may have crashed).
                await afterStep(ctx, { state: existing, commands: [] });
              }
              // A parent reconciling its `workflow.run` task starts the child again: if the child
              // ended, tell the parent once more (the first notice may have been lost in a crash).
              const ended = childEndedOf(existing);
              // No dedupe id: the first notice's would drop it, and a parent hearing twice ignores it.
              if (ended) await ctx.publish(EngineSubjects.childEnded, ended);
              return undefined;
            },
            { retry: startRetry },
          ),
          // A runner's end of a task is its `succeeded` or final `failed` event: the engine hears
          // the event everyone else hears instead of a report of its own, one publish less per task.
          ...(['succeeded', 'failed'] as const).map((status) =>
            on(taskEventSubject(status), async (ctx, event) => {
              // A failed attempt the runner will retry (`retryAt`) ends nothing.
              if (event.retryAt !== undefined) return undefined;
              const report = { ...event, status };
              const result = await advance(ctx, report.runId, {
                kind: 'report',
                at: ctx.clock.iso(),
                report,
              });
              await afterStep(ctx, result);
              return undefined;
            }),
          ),
          on(EngineSubjects.cancel, async (ctx, cancel) => {
            const event: PlannerEvent = { kind: 'cancel', at: ctx.clock.iso(), reason: cancel.reason };
            let result = await advance(ctx, cancel.runId, event);
            if (!result) {
              // No run yet: its start is still on its way. Leave the cancel where the start looks
              // once it has created the run, then look once more, in case it did in between.
              const end: RunEnd = {
                runId: cancel.runId,
                status: 'cancelled',
                reason: cancel.reason,
                at: event.at,
              };
              await runEnds.create(runEndKey(cancel.runId), end);
              result = await advance(ctx, cancel.runId, event);
            }
            await afterStep(ctx, result);
            return undefined;
          }),
          on(EngineSubjects.childEnded, async (ctx, ended) => {
            const result = await advance(ctx, ended.runId, {
              kind: 'child-finished',
              at: ctx.clock.iso(),
              taskKey: ended.taskKey,
              childRunId: ended.childRunId,
              status: ended.status,
              ...(ended.output === undefined ? {} : { output: ended.output }),
              ...(ended.error ? { error: ended.error } : {}),
            });
            await afterStep(ctx, result);
            return undefined;
          }),
        ].map(withEngineConcurrency),
        stop: async () => {
          templates.stop();
          await reconciler.stop();
          await retention.stop();
        },
      };
    },
  });
}
