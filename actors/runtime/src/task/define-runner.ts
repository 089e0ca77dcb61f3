/**
 * A task runner: an actor hosting task types, one durable consumer per type on `oo.task.<type>`,
 * shared by every replica of the runner, so each task message is worked by one instance at a time.
 *
 * ```ts
 * export const runnerActor = defineRunner({ name: 'runner', version: '1.0.0', tasks: [noop, sleep] });
 * ```
 */
import {
  BucketNames,
  ObjectStoreNames,
  RunEnd,
  runEventSubject,
  StreamNames,
  taskEventSubject,
  taskSubject,
} from '@oo/contracts';
import { DEFAULT_ACK_WAIT_MS } from '../consumer-loop.js';
import { type ActorDefinition, defineActor, type HandlerDef, on } from '../define-actor.js';
import type { RetryPolicy } from '../retry-policy.js';
import type { AnyTaskDefinition } from './define-task.js';
import { outputOffload } from './output-offload.js';
import { runCancellations } from './run-cancellations.js';
import { envSecrets, type SecretResolver } from './secrets.js';
import { handleTaskDelivery } from './task-delivery.js';
import { TaskState } from './task-state.js';

export interface DefineRunnerOptions {
  /** Actor name (lower-case letters, digits, dashes); replicas with the same name share the work. */
  readonly name: string;
  readonly version: string;
  readonly description?: string;
  readonly tasks: readonly AnyTaskDefinition[];
  /** Deliveries of one task type running at once in one instance (default 128, see TASK_CONCURRENCY). */
  readonly concurrency?: number;
  /** A running task's message is redelivered elsewhere this long after its instance died (ms, default 30 s). */
  readonly ackWaitMs?: number;
  /** Where `ctx.secret(name)` looks (default: env `OO_SECRET_<NAME>`). */
  readonly secrets?: SecretResolver;
  /** How many recently cancelled run ids an instance remembers (default 10,000). */
  readonly cancelMemory?: number;
  /** Called when an instance stops, after in-flight tasks drained (close the tasks' clients). */
  readonly stop?: () => Promise<void>;
}

/**
 * Parked `again` waits and retry backoffs are unacked messages: they count against the consumer's
 * max_ack_pending while they wait. 50,000 leaves room for tens of thousands of polling tasks while
 * new work still flows (the runtime default of 10,000 would stall a type at 10,000 parked tasks).
 */
const TASK_MAX_ACK_PENDING = 50_000;

/**
 * Deliveries of one task type an instance works on at once. A task mostly waits (its HTTP call, its
 * variables' write, its end event's ack), not on the CPU, and a slot is held until the end event is
 * acked; at the runtime's default of 32, tasks of 200 diamond runs in flight queued for a slot while
 * the process had CPU to spare. Measured (engine.diamond, 7 interleaved pairs with 32): scheduling
 * latency p50 26-31 ms against 38-40, +3% tasks/s in one process, no change beyond the noise with
 * engine and runner in processes of their own.
 */
const TASK_CONCURRENCY = 128;

/**
 * Every `again` is a delivery, so a task polling once a minute for a day is delivered 1,440 times.
 * Attempts are counted by the runner in `task_vars`, not by deliveries, so the consumer loop's
 * delivery cap is off for task consumers. The price: a task that kills its process on every
 * delivery comes back every ack wait instead of being dead-lettered (a crash is not an attempt).
 */
const TASK_MAX_DELIVERIES = Number.MAX_SAFE_INTEGER;

/**
 * What the consumer loop does when the runner itself throws (NATS or KV unavailable): retry the
 * delivery with backoff for as long as it takes. Task failures never reach it; the runner settles
 * those itself.
 */
const RUNNER_INFRA_RETRY: RetryPolicy = {
  maxAttempts: Number.MAX_SAFE_INTEGER,
  backoffMs: [1_000, 5_000, 15_000, 30_000],
  jitter: 0.2,
};

/** Builds the runner actor; throws when two tasks declare the same type. */
export function defineRunner(options: DefineRunnerOptions): ActorDefinition {
  const seen = new Set<string>();
  for (const task of options.tasks) {
    if (seen.has(task.type)) throw new Error(`runner ${options.name}: task type ${task.type} declared twice`);
    seen.add(task.type);
  }
  return defineActor({
    name: options.name,
    version: options.version,
    ...(options.description === undefined ? {} : { description: options.description }),
    async setup(env) {
      const bucket = await env.bucket(BucketNames.taskVars, TaskState);
      const outputs = outputOffload(
        await env.objects(ObjectStoreNames.outputs),
        env.config.outputs.inlineMaxBytes,
      );
      const runEnds = await env.bucket(BucketNames.runEnds, RunEnd);
      const cancellations = runCancellations(options.cancelMemory);
      // Heard live, and remembered by the instance; ends it missed are in `run_ends` (see
      // task-delivery.ts). A failed run ends its other in-flight tasks just as a cancelled one does.
      for (const end of ['cancelled', 'failed'] as const) {
        env.listen(runEventSubject(end), (event) => {
          cancellations.cancel(event.runId, event.error?.message ?? end, end);
        });
      }
      // A task cancelled while its run goes on (a forEach element in flight when another failed):
      // its own event; a task's `cancelled` is final in its run, whoever announced it.
      env.listen(taskEventSubject('cancelled'), (event) => {
        cancellations.cancelTask(
          event.runId,
          event.taskKey,
          event.error?.message ?? 'cancelled by the engine',
        );
      });
      const secrets = options.secrets ?? envSecrets();
      const busy = new Set<string>();
      // A message late by twice the ack wait was not merely held up by an instance that died.
      const heldGraceMs = 2 * (options.ackWaitMs ?? DEFAULT_ACK_WAIT_MS);
      const handlers: HandlerDef[] = options.tasks.map((task) =>
        on(
          taskSubject(task.type),
          (ctx, message) =>
            handleTaskDelivery(
              {
                task,
                bucket,
                busy,
                outputs,
                runEnds,
                cancellations,
                secrets,
                tracer: env.tracer,
                log: env.log,
                heldGraceMs,
                heardLiveFrom: () => env.heardLiveFrom(StreamNames.tasks),
              },
              ctx,
              message,
            ),
          {
            retry: RUNNER_INFRA_RETRY,
            maxDeliveries: TASK_MAX_DELIVERIES,
            maxAckPending: TASK_MAX_ACK_PENDING,
            concurrency: options.concurrency ?? TASK_CONCURRENCY,
            ...(options.ackWaitMs === undefined ? {} : { ackWaitMs: options.ackWaitMs }),
          },
        ),
      );
      return { handlers, ...(options.stop ? { stop: options.stop } : {}) };
    },
  });
}
