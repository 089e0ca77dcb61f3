/**
 * What every workflow testbed (engine, ansible, terraform) needs beside its actors: a client that
 * starts and cancels runs, and watchers of run and task events that tests await instead of
 * sleeping. Test code; depends on contracts and the runtime only, so the actors' tests can share it.
 */
import {
  durableName,
  EngineSubjects,
  newId,
  type RunEvent,
  type StartRun,
  StreamNames,
  type TaskEvent,
} from '@oo/contracts';
import { type ActorHandle, defineActor, on, type StartActorOptions, startActor } from '@oo/runtime';
import { freshName } from '@oo/test-harness';

export interface RunWatcher {
  /** The watching actor; its `publish` and `nats` serve tests too. */
  readonly client: ActorHandle;
  readonly runEvents: RunEvent[];
  readonly taskEvents: TaskEvent[];
  /** The oo-trace-id each run's events travelled with. */
  readonly traceOf: Map<string, string>;
  /** Starts a run; returns its id. */
  start(template: string, input?: unknown, extra?: Partial<StartRun>): Promise<string>;
  cancel(runId: string): Promise<void>;
  /**
   * Resolves with the run's terminal event, once every task event published before it has arrived
   * too (they come through another consumer), so a test may read `taskEvents` right after.
   */
  finished(runId: string, timeoutMs?: number): Promise<RunEvent>;
  /** The first task event, already seen or still to come, that matches. */
  taskEvent(match: (event: TaskEvent) => boolean, timeoutMs?: number): Promise<TaskEvent>;
  stop(): Promise<void>;
}

export async function startRunWatcher(options: StartActorOptions): Promise<RunWatcher> {
  const runEvents: RunEvent[] = [];
  const taskEvents: TaskEvent[] = [];
  const traceOf = new Map<string, string>();
  const waiters = new Set<() => void>();
  const notify = () => {
    for (const wake of [...waiters]) wake();
  };
  const name = freshName('watch-');
  const client = await startActor(
    defineActor({
      name,
      version: '0.0.0',
      handlers: [
        on(EngineSubjects.runEvents, async (ctx, event) => {
          runEvents.push(event);
          traceOf.set(event.runId, ctx.traceId);
          notify();
          return undefined;
        }),
        on(EngineSubjects.taskEvents, async (_ctx, event) => {
          taskEvents.push(event);
          notify();
          return undefined;
        }),
      ],
    }),
    options,
  );

  /** Resolves with the first value `probe` finds, now or after a later event. */
  const until = <T>(probe: () => T | undefined, what: string, timeoutMs: number) =>
    new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`${what} did not happen within ${timeoutMs} ms`));
      }, timeoutMs);
      const check = () => {
        const found = probe();
        if (found === undefined) return;
        clearTimeout(timer);
        waiters.delete(check);
        resolve(found);
      };
      waiters.add(check);
      check();
    });

  /**
   * Waits until the task-event consumer holds nothing undelivered or unacked. Asking may fail while
   * the nats-server is down (fault tests restart it): that is asked again, until `deadline`.
   */
  const taskEventsCaughtUp = async (deadline: number) => {
    const durable = durableName(name, EngineSubjects.taskEvents.name);
    for (;;) {
      const info = await client.nats.jsm.consumers.info(StreamNames.events, durable).catch((err: unknown) => {
        if (Date.now() >= deadline) throw err;
        return undefined;
      });
      if (info?.num_pending === 0 && info.num_ack_pending === 0) return;
      if (Date.now() >= deadline) throw new Error(`task events of ${name} not caught up in time`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  /** The run's events this watcher heard, oldest first: `running`, then `a succeeded`, .... */
  const heardOf = (runId: string) => {
    const run = runEvents.filter((e) => e.runId === runId).map((e) => e.status);
    const tasks = taskEvents
      .filter((e) => e.runId === runId)
      .map((e) => `${e.taskKey} ${e.status}${e.attempt > 1 ? ` (attempt ${e.attempt})` : ''}`);
    return [...run, ...tasks].join(', ') || 'none';
  };

  return {
    client,
    runEvents,
    taskEvents,
    traceOf,
    async start(template, input = {}, extra = {}) {
      const runId = extra.runId ?? newId('run');
      await client.publish(EngineSubjects.start, { runId, template, input, ...extra });
      return runId;
    },
    async cancel(runId) {
      await client.publish(EngineSubjects.cancel, { runId, reason: 'test cancel' });
    },
    async finished(runId, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      const end = await until(
        () => runEvents.find((e) => e.runId === runId && e.status !== 'running'),
        `the end of run ${runId}`,
        timeoutMs,
      ).catch((err: unknown) => {
        // Tells a run that stopped moving from an end this watcher did not hear.
        throw new Error(`${(err as Error).message}; its events heard: ${heardOf(runId)}`);
      });
      await taskEventsCaughtUp(deadline);
      return end;
    },
    taskEvent(match, timeoutMs = 30_000) {
      return until(() => taskEvents.find(match), 'a matching task event', timeoutMs);
    },
    stop: () => client.stop(),
  };
}
