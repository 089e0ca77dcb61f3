/**
 * One handler's delivery loop: pull from its durable consumer, decode and validate, run the
 * interceptors and the handler inside a span, then ack, nak with delay, or dead-letter.
 *
 * Redelivery limits are the runtime's, not the server's (`max_deliver` is unlimited): only here do
 * we know the last error to put in the dead letter.
 */

import type { ConsumerMessages, JetStreamClient, JetStreamManager, JsMsg } from '@nats-io/jetstream';
import {
  durableName,
  type ErrorData,
  Headers,
  issuesText,
  OoError,
  schemaIssues,
  schemaVersionIn,
  toOoError,
} from '@oo/contracts';
import { type Span, SpanKind, SpanStatusCode, type Tracer } from '@opentelemetry/api';
import type { Logger } from 'pino';
import { ackBatcher } from './ack-batcher.js';
import { type ActorContext, type HandlerResult, isAgain } from './actor-context.js';
import { busError } from './bus-error.js';
import type { Clock } from './clock.js';
import { deadLetter } from './dead-letter.js';
import type { HandlerDef, Interceptor, RefusedHook } from './define-actor.js';
import { DeliveryContext, type DeliveryScope } from './delivery-context.js';
import { deliveryHeaders, type HeaderValues } from './delivery-headers.js';
import type { FailureCounts } from './failure-counts.js';
import { logThrottle } from './log-throttle.js';
import { ensureConsumer } from './provision.js';
import type { Publish } from './publisher.js';
import { DEFAULT_RETRY, delayFor } from './retry-policy.js';
import { Semaphore } from './semaphore.js';
import { type ActorStats, observeDuration, subjectStats } from './stats.js';
import { extractTrace } from './tracing.js';

export interface LoopDeps {
  actor: string;
  instance: string;
  js: JetStreamClient;
  jsm: JetStreamManager;
  tracer: Tracer;
  log: Logger;
  clock: Clock;
  publish: Publish;
  interceptors: readonly Interceptor[];
  stats: ActorStats;
  /** Aborted when the instance gives up waiting for in-flight work at stop. */
  hardStop: AbortSignal;
  /** The largest message the server takes (bytes): a dead letter is cut to fit it. */
  maxPayload: () => number;
  /** Where a handler's failures on a message are counted (its deliveries include `again`s). */
  failures: FailureCounts;
}

export interface ConsumerLoop {
  /**
   * Stops pulling; resolves when every in-flight delivery has settled, or a second after the hard
   * stop if some handler still has not (its message is redelivered after the ack wait).
   */
  drain(): Promise<void>;
}

const decoder = new TextDecoder();
/** An unacked delivery is redelivered after this long unless its handler says it is working (ms). */
export const DEFAULT_ACK_WAIT_MS = 30_000;
const shuttingDown = new OoError('OO_ERR_SHUTTING_DOWN', 'actor instance stopping');
/** How long after the hard stop a drain still waits for handlers to give up (ms). */
const ABANDON_AFTER_HARD_STOP_MS = 1_000;
/** Per handler and error code, this many dead-letter or retry warnings a minute, then a count. */
const WARNINGS_PER_MINUTE = 10;
/** Refusals of what the sender wrote, which `onRefused` may answer (not versions, not redeliveries). */
const BODY_REFUSALS: ReadonlySet<string> = new Set(['OO_ERR_MSG_INVALID_JSON', 'OO_ERR_MSG_SCHEMA']);

function endSpan(span: Span, error?: OoError): void {
  if (error) {
    span.recordException(error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: `${error.code}: ${error.message}` });
    span.setAttribute('oo.error.code', error.code);
    span.setAttribute('oo.error.retryable', error.retryable);
  }
  span.end();
}

/** Resolves `ms` after `signal` aborts; `cancel` drops the wait. */
function afterAbort(signal: AbortSignal, ms: number): { done: Promise<void>; cancel(): void } {
  let timer: NodeJS.Timeout | undefined;
  let wake: () => void = () => undefined;
  const done = new Promise<void>((resolve) => {
    wake = resolve;
  });
  const onAbort = () => {
    timer = setTimeout(wake, ms);
    timer.unref();
  };
  if (signal.aborted) onAbort();
  else signal.addEventListener('abort', onAbort, { once: true });
  return {
    done,
    cancel() {
      signal.removeEventListener('abort', onAbort);
      clearTimeout(timer);
    },
  };
}

export async function startConsumerLoop(def: HandlerDef, deps: LoopDeps): Promise<ConsumerLoop> {
  const { subject } = def;
  const retry = def.options.retry ?? DEFAULT_RETRY;
  const maxDeliveries = def.options.maxDeliveries ?? retry.maxAttempts + 5;
  const ackWaitMs = def.options.ackWaitMs ?? DEFAULT_ACK_WAIT_MS;
  const concurrency = def.options.concurrency ?? 32;
  const durable = durableName(deps.actor, subject.name);
  await ensureConsumer(deps.jsm, {
    stream: subject.stream,
    durable,
    filterSubject: subject.name,
    ackWaitMs,
    maxAckPending: def.options.maxAckPending ?? 10_000,
    deliverPolicy: def.options.deliverPolicy ?? 'all',
  });
  const consumer = await deps.js.consumers.get(subject.stream, durable);
  const messages: ConsumerMessages = await consumer.consume({
    max_messages: concurrency,
    idle_heartbeat: 5_000,
  });
  const counts = subjectStats(deps.stats, subject.name);
  const slots = new Semaphore(concurrency);
  const settle = ackBatcher();
  // Keep long handlers' messages ours (the server redelivers after ack_wait otherwise): one timer
  // per loop touches every delivery held longer than half the ack wait.
  const holding = new Set<{ msg: JsMsg; since: number }>();
  const keepAlive = setInterval(
    () => {
      const now = performance.now();
      for (const held of holding) if (now - held.since > ackWaitMs / 3) held.msg.working();
    },
    Math.max(250, ackWaitMs / 3),
  );
  keepAlive.unref();
  const inFlight = new Set<Promise<void>>();
  let stopping = false;
  const warnings = logThrottle({ perWindow: WARNINGS_PER_MINUTE, windowMs: 60_000 });

  const chain = (ctx: ActorContext, body: unknown): Promise<HandlerResult> => {
    const run = (i: number): Promise<HandlerResult> => {
      const interceptor = deps.interceptors[i];
      if (!interceptor) return def.handle(ctx, body as never);
      return interceptor(ctx, body, () => run(i + 1));
    };
    return run(0);
  };

  const sendToDeadLetter = async (msg: JsMsg, error: ErrorData, log: Logger) => {
    try {
      await deadLetter(deps.publish, deps.actor, deps.instance, msg, error, deps.maxPayload());
      msg.ack();
      counts.deadLettered++;
      deps.stats.lastError = { code: error.code, message: error.message, at: deps.clock.iso() };
      if (
        warnings.allow(`dead-lettered ${error.code}`, deps.log, { subject: subject.name, code: error.code })
      ) {
        log.warn({ err: error, subject: msg.subject, seq: msg.info.streamSequence }, 'message dead-lettered');
      }
    } catch (err) {
      // Could not record why; leave the message for a later attempt rather than lose it.
      log.error({ err }, 'dead-letter publish failed; message will be redelivered');
      msg.nak(1_000);
    }
  };

  const scope: DeliveryScope = {
    actor: deps.actor,
    instance: deps.instance,
    log: deps.log,
    clock: deps.clock,
    publish: deps.publish,
    signal: deps.hardStop,
  };
  const spanName = `${subject.name} process`;
  const { onRefused } = def.options;

  /** Runs the handler's refusal hook; a failing hook is logged and the message dead-lettered all the same. */
  const tellRefused = async (hook: RefusedHook, msg: JsMsg, ctx: ActorContext, error: ErrorData) => {
    // Kept ours meanwhile, as a handler's message is: a slow hook must not see it redelivered.
    const held = { msg, since: performance.now() };
    holding.add(held);
    try {
      await hook(ctx, error);
    } catch (err) {
      ctx.log.error({ err }, 'refused-body hook failed; the message is dead-lettered all the same');
    } finally {
      holding.delete(held);
    }
  };

  /** Refusals no handler code sees: the body, its version, or the delivery count is wrong. */
  const refusal = (msg: JsMsg, headers: HeaderValues): { body?: unknown; error?: OoError } => {
    let body: unknown;
    try {
      body = JSON.parse(decoder.decode(msg.data));
    } catch (err) {
      return { error: new OoError('OO_ERR_MSG_INVALID_JSON', `body is not JSON: ${(err as Error).message}`) };
    }
    const version = schemaVersionIn(headers.get(Headers.schema)) ?? subject.version;
    if (version > subject.version) {
      return {
        error: new OoError(
          'OO_ERR_MSG_SCHEMA_VERSION',
          `${msg.subject} body is schema version ${version}; this consumer knows up to ${subject.version}`,
        ),
      };
    }
    if (msg.info.deliveryCount > maxDeliveries) {
      return {
        error: new OoError(
          'OO_ERR_MAX_DELIVERIES',
          `delivered ${msg.info.deliveryCount} times without being settled (the handler may crash the process)`,
          { details: { lastError: deps.stats.lastError ?? null } },
        ),
      };
    }
    const parsed = subject.schema.safeParse(body);
    if (!parsed.success) {
      const issues = schemaIssues(parsed.error);
      return {
        error: new OoError(
          'OO_ERR_MSG_SCHEMA',
          `body does not match ${subject.name}: ${issuesText(issues)}`,
          { details: { issues } },
        ),
      };
    }
    return { body: parsed.data };
  };

  const deliver = async (msg: JsMsg): Promise<void> => {
    const headers = deliveryHeaders(msg);
    const span = deps.tracer.startSpan(
      spanName,
      {
        kind: SpanKind.CONSUMER,
        attributes: {
          'messaging.system': 'nats',
          'messaging.destination.name': msg.subject,
          'oo.attempt': msg.info.deliveryCount,
        },
      },
      extractTrace(headers),
    );
    const ctx = new DeliveryContext(msg, headers, span, scope);
    if (ctx.requestId) span.setAttribute('oo.request.id', ctx.requestId);
    if (ctx.runId) span.setAttribute('oo.run.id', ctx.runId);
    if (ctx.taskId) span.setAttribute('oo.task.id', ctx.taskId);

    const checked = refusal(msg, headers);
    if (checked.error) {
      const error = checked.error.toData();
      // Within max deliveries only: a hook that crashes the process must not be rerun for ever.
      if (onRefused && BODY_REFUSALS.has(error.code) && msg.info.deliveryCount <= maxDeliveries) {
        await tellRefused(onRefused, msg, ctx, error);
      }
      endSpan(span, checked.error);
      return sendToDeadLetter(msg, error, ctx.log);
    }

    deps.stats.inFlight++;
    const tracked = { msg, since: performance.now() };
    holding.add(tracked);
    try {
      const result = await chain(ctx, checked.body);
      if (isAgain(result)) {
        settle.nak(msg, result.delayMs);
        span.setAttribute('oo.again.delay_ms', result.delayMs);
        counts.deferred++;
      } else {
        settle.ack(msg);
      }
      counts.handled++;
      observeDuration(counts, (performance.now() - tracked.since) / 1000);
      endSpan(span);
    } catch (thrown) {
      const error = deps.hardStop.aborted ? shuttingDown : busError(toOoError(thrown));
      counts.failed++;
      observeDuration(counts, (performance.now() - tracked.since) / 1000);
      deps.stats.lastError = { code: error.code, message: error.message, at: deps.clock.iso() };
      endSpan(span, error);
      await settleFailure(msg, error, ctx);
    } finally {
      holding.delete(tracked);
      deps.stats.inFlight--;
    }
  };

  /** This failure's number on `msg`; undefined when it could not be counted (NATS or KV away). */
  const failureNumber = async (msg: JsMsg, log: Logger): Promise<number | undefined> => {
    try {
      return await deps.failures.add(durable, msg.info.streamSequence);
    } catch (err) {
      log.warn({ err }, 'could not count the failure; the message will be retried');
      return undefined;
    }
  };

  const settleFailure = async (msg: JsMsg, error: OoError, ctx: ActorContext) => {
    if (error.code === 'OO_ERR_SHUTTING_DOWN') return msg.nak(0);
    if (!error.retryable) return sendToDeadLetter(msg, error.toData(), ctx.log);
    const counted = await failureNumber(msg, ctx.log);
    // Uncounted, it is retried, never dead-lettered early: max deliveries still bounds it.
    const attempt = counted ?? Math.min(msg.info.deliveryCount, retry.maxAttempts - 1);
    if (attempt >= retry.maxAttempts) {
      const exhausted = new OoError(
        'OO_ERR_MAX_DELIVERIES',
        `gave up after ${attempt} attempts: ${error.message}`,
        {
          details: { lastError: error.toData() },
        },
      );
      await sendToDeadLetter(msg, exhausted.toData(), ctx.log);
    } else {
      const delay = delayFor(retry, attempt, error.retryAfterMs);
      if (warnings.allow(`retrying ${error.code}`, deps.log, { subject: subject.name, code: error.code })) {
        ctx.log.warn({ err: error.toData(), retryInMs: delay }, 'handler failed; will retry');
      }
      msg.nak(delay);
    }
  };

  const pump = (async () => {
    for await (const msg of messages) {
      if (stopping) {
        msg.nak(0);
        continue;
      }
      const wait = slots.acquire();
      if (wait) await wait;
      if (stopping) {
        // Pulled before we stopped but never started: hand it straight back.
        msg.nak(0);
        slots.release();
        continue;
      }
      const work = deliver(msg)
        .catch((err: unknown) => deps.log.error({ err }, 'delivery crashed'))
        .finally(() => {
          slots.release();
          inFlight.delete(work);
        });
      inFlight.add(work);
    }
  })();

  return {
    async drain() {
      stopping = true;
      await messages.close().catch(() => undefined);
      // A handler that ignores the hard stop (a call that never returns) must not hold the stop
      // for ever: it is left behind, and its message comes back after the ack wait. The pump
      // itself may be waiting for a slot such a handler holds.
      const abandon = afterAbort(deps.hardStop, ABANDON_AFTER_HARD_STOP_MS);
      await Promise.race([
        pump.catch(() => undefined).then(() => Promise.allSettled([...inFlight])),
        abandon.done,
      ]);
      abandon.cancel();
      settle.flush();
      warnings.flush();
      clearInterval(keepAlive);
    },
  };
}
