/**
 * One delivery of `oo.task.<type>`: the runner's decisions around an attempt.
 *
 *   stale dispatch                   ack, run nothing
 *   end already decided              republish it (a crash came between deciding and acking)
 *   run ended (cancelled / failed)   onCancel (once), ack, run nothing
 *   a copy while another holds it    ack, run nothing (one chain of looks, one attempt at a time)
 *   parked and back early            park for the rest (the server lost the delay)
 *   retry not due yet                park until it is
 *   input invalid                    end failed (terminal)
 *   attempt starts                   deadline stored; TaskEvent running once it lasts 100 ms or waits
 *   output                           validated, a large one put in the object store, then end succeeded
 *   again                            park (nak with delay); not an attempt
 *   retryable failure, attempts left attempt+1 stored, TaskEvent failed with retryAt, park for the backoff
 *   terminal failure or exhausted    end failed with the error
 *
 * A task's end is its `succeeded` or final `failed` TaskEvent: the engine consumes those events to
 * move the run on, so the runner's end event is both the report and what the ledger records.
 *
 * Every decision is stored in `task_vars` before it is published, and every publish carries a
 * Nats-Msg-Id, so a crash anywhere repeats at most a publish the stream drops as a duplicate.
 */
import {
  type ErrorData,
  issuesText,
  OoError,
  type RunEnd,
  runEndKey,
  schemaIssues,
  type TaskEvent,
  type TaskMessage,
  type TaskStatus,
  taskEndKey,
  taskEventSubject,
} from '@oo/contracts';
import { SpanStatusCode, type Tracer } from '@opentelemetry/api';
import type { Logger } from 'pino';
import type { ActorContext, HandlerResult } from '../actor-context.js';
import type { JsonBucket } from '../json-bucket.js';
import type { OutputOffload } from './output-offload.js';
import { type AttemptDeps, runAttempt } from './task-attempt.js';
import { cancelInFlight } from './task-cancel.js';
import { resolveRetry, taskRetryDelay } from './task-retry.js';
import {
  isHeld,
  loadTaskState,
  type TaskState,
  TaskStateFound,
  type TaskStateHandle,
  taskStateKey,
} from './task-state.js';

export interface DeliveryDeps extends AttemptDeps {
  readonly bucket: JsonBucket<TaskState>;
  /** State keys of the tasks this instance is working on now. */
  readonly busy: Set<string>;
  /** Puts a large output in the object store before the task's end is published (output-offload.ts). */
  readonly outputs: OutputOffload;
  /** The engine's record of runs that ended (`run_ends`), for ends this instance did not hear. */
  readonly runEnds: JsonBucket<RunEnd>;
  readonly tracer: Tracer;
  /** The instance's logger (bound to actor and instance). */
  readonly log: Logger;
  /** How late a message holding a task may be (back from parking, or done) before a copy takes over (ms). */
  readonly heldGraceMs: number;
  /** The first task-stream sequence stored while the instance heard every end live (ActorEnv.heardLiveFrom). */
  readonly heardLiveFrom: () => Promise<number>;
}

function schemaError(code: string, what: string, error: Parameters<typeof schemaIssues>[0]): OoError {
  const issues = schemaIssues(error);
  return new OoError(code, `${what}: ${issuesText(issues)}`, { retryable: false, details: { issues } });
}

/**
 * The output as it will cross the bus (and its JSON, which the offload measures), or an error when
 * it cannot cross.
 */
function checkOutput(
  deps: DeliveryDeps,
  value: unknown,
): { output: unknown; json: string | undefined } | { error: OoError } {
  const parsed = deps.task.output.safeParse(value);
  if (!parsed.success) {
    return {
      error: schemaError(
        'OO_ERR_WORKFLOW_TASK_OUTPUT',
        `output of ${deps.task.type} is invalid`,
        parsed.error,
      ),
    };
  }
  try {
    const json = JSON.stringify(parsed.data);
    return { output: json === undefined ? undefined : JSON.parse(json), json };
  } catch (err) {
    const message = `output of ${deps.task.type} is not JSON: ${(err as Error).message}`;
    return { error: new OoError('OO_ERR_WORKFLOW_TASK_OUTPUT', message, { retryable: false }) };
  }
}

/**
 * JetStream delivers at least once: after an ack wait, a redelivery can arrive while the first
 * delivery still runs (seen with nats-server 2.9 after a runner was killed: two copies at once).
 * In one instance the second copy is parked until the first is done; across instances the
 * compare-and-set on the task state lets only one of them decide.
 */
const DUPLICATE_PARK_MS = 1_000;

/**
 * A parked message back this much before its time or less is on time: another runner instance's
 * clock may be a little behind the one that parked it.
 */
const EARLY_LOOK_MS = 1_000;

/** An attempt still running after this long is announced with a `running` task event. */
const RUNNING_AFTER_MS = 100;

/**
 * A run end, or a cancel of this one task, that this instance did not hear (it was down, or started
 * after): looked up in `run_ends` for a task with `onCancel` (an external job may be left running),
 * on any redelivery (a parked or crashed task), and for a task sent before the instance was surely
 * listening (started or reconnected since: a queued task of a run cancelled meanwhile). Not on the
 * hot path, a stateless task's first delivery stored while the instance listened: an end after its
 * sending was heard live. Told apart by the task's sequence in its stream, not its time: a host's
 * clock behind the server's cannot make an old task look new.
 */
async function recordedEnd(
  deps: DeliveryDeps,
  actx: ActorContext,
  runId: string,
  taskKey: string,
): Promise<OoError | undefined> {
  if (
    deps.task.onCancel === undefined &&
    actx.attempt === 1 &&
    actx.streamSeq >= (await deps.heardLiveFrom())
  ) {
    return undefined;
  }
  const [runEnd, taskEnd] = await Promise.all([
    deps.runEnds.get(runEndKey(runId)),
    deps.runEnds.get(taskEndKey(runId, taskKey)),
  ]);
  if (runEnd) deps.cancellations.cancel(runId, runEnd.value.reason, runEnd.value.status);
  else if (taskEnd) deps.cancellations.cancelTask(runId, taskKey, taskEnd.value.reason);
  return deps.cancellations.reasonOf(runId, taskKey);
}

export async function handleTaskDelivery(
  deps: DeliveryDeps,
  actx: ActorContext,
  message: TaskMessage,
): Promise<HandlerResult> {
  const key = taskStateKey(message.runId, message.taskKey);
  if (deps.busy.has(key)) return actx.again(DUPLICATE_PARK_MS);
  deps.busy.add(key);
  try {
    // A first delivery assumes no state yet and skips the read; if there is one, start over from it.
    return await handleExclusively(deps, actx, message, key, actx.attempt === 1).catch((err: unknown) => {
      if (err instanceof TaskStateFound) return handleExclusively(deps, actx, message, key, false);
      throw err;
    });
  } finally {
    deps.busy.delete(key);
  }
}

async function handleExclusively(
  deps: DeliveryDeps,
  actx: ActorContext,
  message: TaskMessage,
  key: string,
  assumeAbsent: boolean,
): Promise<HandlerResult> {
  const { task } = deps;
  const { runId, taskKey, attempt: dispatch } = message;
  // No variables and no onCancel: nothing to keep unless the task waits, retries or has a timeout.
  const stateless = task.vars === undefined && task.onCancel === undefined;
  const clock = actx.clock;
  actx.span.setAttributes({ 'oo.run.id': runId, 'oo.task.id': taskKey, 'oo.task.type': task.type });
  const ids = { runId, taskId: taskKey };
  const dedupe = `${runId}.${taskKey}.${dispatch}`;

  const state: TaskStateHandle = await loadTaskState(
    deps.bucket,
    key,
    (found) =>
      found && found.dispatch >= dispatch
        ? found
        : // A new dispatch starts counting attempts again; the task's variables carry over.
          { dispatch, attempt: 1, startedAt: clock.iso(), vars: found?.vars ?? {} },
    { assumeAbsent },
  );
  const attempt = state.current.attempt;
  actx.span.setAttribute('oo.task.attempt', attempt);
  const log = deps.log.child({
    subject: actx.subject,
    delivery: actx.attempt,
    trace_id: actx.traceId,
    span_id: actx.span.spanContext().spanId,
    ...(actx.requestId ? { request_id: actx.requestId } : {}),
    run_id: runId,
    task_key: taskKey,
    task_type: task.type,
    attempt,
  });

  const eventOf = (
    status: TaskStatus,
    extra: { output?: unknown; error?: ErrorData; retryAt?: string; startedAt?: string } = {},
  ): TaskEvent => ({
    runId,
    taskKey,
    type: task.type,
    status,
    attempt,
    ...(actx.requestId ? { requestId: actx.requestId } : {}),
    ...(extra.output === undefined ? {} : { output: extra.output }),
    ...(extra.error ? { error: extra.error } : {}),
    ...(extra.retryAt ? { retryAt: extra.retryAt } : {}),
    ...(extra.startedAt ? { startedAt: extra.startedAt } : {}),
    at: clock.iso(),
  });
  const publishEvent = (e: TaskEvent) =>
    actx.publish(taskEventSubject(e.status), e, { msgId: `${dedupe}.${e.attempt}.${e.status}`, ids });
  const event = (status: TaskStatus, extra: { error?: OoError; retryAt?: number } = {}) =>
    publishEvent(
      eventOf(status, {
        ...(extra.error ? { error: extra.error.toData() } : {}),
        ...(extra.retryAt !== undefined ? { retryAt: new Date(extra.retryAt).toISOString() } : {}),
      }),
    );
  /** The task's end: its `succeeded` or final `failed` event, which the engine acts on. */
  const decide = async (
    status: 'succeeded' | 'failed',
    extra: { output?: unknown; error?: ErrorData },
  ): Promise<unknown> => {
    const end = eventOf(status, { startedAt: state.current.startedAt, ...extra });
    // A stateless task keeps nothing between deliveries (a redelivery simply runs it again).
    if (stateless && state.assumed) return publishEvent(end);
    // Stored before published: a redelivery republishes the stored end instead of running the
    // task again, and an end that cannot be stored is never published.
    await state.save((s) => ({ ...s, ended: end }));
    return publishEvent(end);
  };

  const fail = async (error: OoError) => {
    actx.span.setStatus({ code: SpanStatusCode.ERROR, message: `${error.code}: ${error.message}` });
    actx.span.setAttribute('oo.error.code', error.code);
    log.warn(
      { err: { code: error.code, message: error.message, retryable: error.retryable } },
      'task failed',
    );
    await decide('failed', { error: error.toData() });
    return undefined;
  };
  const dropCancelled = async (reason: OoError, settled?: Promise<unknown>) => {
    const failure = await cancelInFlight(deps, {
      actx,
      message,
      state,
      log,
      reason,
      ...(settled ? { settled } : {}),
    });
    log.info({ reason: reason.message }, 'task dropped: it or its run was cancelled');
    await event('cancelled', failure ? { error: failure } : {});
    return undefined;
  };

  if (state.current.dispatch > dispatch) {
    log.info({ current: state.current.dispatch }, 'stale dispatch dropped: a newer one owns this task');
    return undefined;
  }
  if (state.current.ended) {
    await publishEvent(state.current.ended);
    return undefined;
  }
  const ended = state.current.cancel
    ? OoError.fromData(state.current.cancel.reason)
    : (deps.cancellations.reasonOf(runId, taskKey) ?? (await recordedEnd(deps, actx, runId, taskKey)));
  if (ended) return dropCancelled(ended);
  /** This message holds the task until `at`, and a while after for lateness (see TaskState `held`). */
  const holdUntil = (at: number) => ({ seq: actx.streamSeq, lostAfter: at + deps.heldGraceMs });
  const held = state.current.held;
  if (held && held.seq !== actx.streamSeq && isHeld(state.current, dispatch, clock.now())) {
    log.info({ held_by_seq: held.seq }, 'copy dropped: another message of this task holds it');
    return undefined;
  }
  // This message was parked (`again`) and is back well before its time: the server lost the delay
  // (killed before it stored the nak, it sends the message again after the ack wait). Parked again
  // for the rest, not looked at early: after such a restart every task parked then would poll at
  // once. A message holding the task for an attempt's deadline was not parked: it goes on now.
  if (held?.seq === actx.streamSeq) {
    const due = held.lostAfter - deps.heldGraceMs;
    const early = due - clock.now();
    if (due !== state.current.deadlineAt && early > EARLY_LOOK_MS) return actx.again(early);
  }
  const retryAt = state.current.retryAt;
  if (retryAt !== undefined && clock.now() < retryAt) return actx.again(retryAt - clock.now());

  if (message.type !== task.type) {
    return fail(
      new OoError('OO_ERR_WORKFLOW_TASK_INPUT', `message of type ${message.type} on ${actx.subject}`),
    );
  }
  const input = task.input.safeParse(message.input);
  if (!input.success) {
    return fail(schemaError('OO_ERR_WORKFLOW_TASK_INPUT', `input of ${task.type} is invalid`, input.error));
  }

  const policy = resolveRetry(message.retry, task.retry);
  const timeoutMs = message.timeoutMs ?? task.timeoutMs;
  // `running` is announced once per attempt, and only for one that outlasts RUNNING_AFTER_MS or
  // waits: a quick task goes scheduled -> succeeded, its startedAt carried on the end
  // event (as Temporal records an activity's start with its completion). A crash before the
  // announcement loses only it; the end event still tells when the attempt started.
  let announced: Promise<unknown> | undefined;
  let announce = (): Promise<unknown> => Promise.resolve();
  if (state.current.attemptStartedAt === undefined) {
    announce = () => {
      announced ??= event('running');
      return announced;
    };
    const now = clock.now();
    const deadlineAt = timeoutMs === undefined ? undefined : now + timeoutMs;
    // An attempt with a deadline holds the task until then: a copy coming meanwhile (to another
    // instance) drops itself rather than run a second attempt beside this one.
    const held = deadlineAt === undefined ? undefined : holdUntil(deadlineAt);
    // Object.assign, not `{ ...s, attemptStartedAt, … }`: on Node 20's V8 a spread followed by new
    // properties builds a fresh hidden class each time, ~2.5 µs against ~0.15 µs.
    const started = (s: TaskState): TaskState =>
      Object.assign({}, s, {
        attemptStartedAt: now,
        deadlineAt,
        retryAt: undefined,
        held: held ?? s.held,
      });
    // The deadline must survive a crash; a stateless task without one has nothing to remember.
    if (stateless && timeoutMs === undefined && state.assumed) state.assume(started);
    else await state.save(started);
  }

  const announcing = setTimeout(() => {
    announce().catch((err: unknown) => log.warn({ err }, 'running event not published'));
  }, RUNNING_AFTER_MS);
  const outcome = await runAttempt(deps, { actx, message, input: input.data, state, log, timeoutMs });
  clearTimeout(announcing);
  switch (outcome.kind) {
    case 'again': {
      await announce();
      // Saved at every look: the next look must know the attempt started (no second `running`,
      // same attempt number), and a copy of the task must know this message comes back.
      const held = holdUntil(clock.now() + outcome.delayMs);
      await state.save((s) => Object.assign({}, s, { held }));
      return actx.again(outcome.delayMs);
    }
    case 'cancelled':
      // It was running when its run ended: say so before saying it was cancelled.
      await announce();
      return dropCancelled(outcome.error, outcome.settled);
    case 'output': {
      const checked = checkOutput(deps, outcome.value);
      if ('error' in checked) return fail(checked.error);
      const output = await deps.outputs.place(checked.output, checked.json, { runId, taskKey, dispatch });
      await decide('succeeded', { output });
      log.info('task succeeded');
      return undefined;
    }
    case 'failed': {
      const { error } = outcome;
      if (!error.retryable || attempt >= policy.maxAttempts) return fail(error);
      const delay = taskRetryDelay(policy, attempt, dedupe + attempt, error.retryAfterMs);
      const next = clock.now() + delay;
      await state.save((s) => ({
        ...s,
        attempt: attempt + 1,
        attemptStartedAt: undefined,
        deadlineAt: undefined,
        retryAt: next,
        lastError: error.toData(),
        held: holdUntil(next),
      }));
      await announce();
      await event('failed', { error, retryAt: next });
      log.warn(
        { err: { code: error.code, message: error.message }, retryInMs: delay },
        'task attempt failed; will retry',
      );
      return actx.again(delay);
    }
  }
}
