/**
 * Follows a run and the child runs it starts (`workflow.run`, at any depth) over their events: one
 * line per run and task change, and the run's end. The events are read from the OO_EVT stream with
 * an ordered consumer starting after its last message at the time of the call, so everything the
 * run does is seen however soon it happens, and a lost connection or a restarted nats-server loses
 * nothing (the consumer goes on from the last event it had). A child is known by its `running`
 * event naming a parent in the tree, which comes before any event of its tasks. A task's
 * `scheduled` stored after the task ran or ended is late (contracts' late-scheduled.ts): no line.
 */
import { DeliverPolicy } from '@nats-io/jetstream';
import { EngineSubjects, type RunEvent, StreamNames, type TaskEvent, taskEventOrder } from '@oo/contracts';
import type { Nats } from '@oo/runtime';
import { runLine, runTree, taskLine } from './event-lines.js';

const decoder = new TextDecoder();

export interface RunFollower {
  /** Resolves with the run's end event (succeeded, failed or cancelled). */
  readonly ended: Promise<RunEvent>;
  /** Whether any event of the run came yet: none for a while means no engine took the start. */
  heard(): boolean;
  stop(): void;
}

/** Events whose body is not JSON or not of its schema are not the engine's: they are passed over. */
function parse<T>(data: Uint8Array, schema: { safeParse(v: unknown): { success: boolean; data?: T } }) {
  try {
    const parsed = schema.safeParse(JSON.parse(decoder.decode(data)));
    return parsed.success ? (parsed.data as T) : undefined;
  } catch {
    return undefined;
  }
}

export async function followRun(
  nats: Nats,
  runId: string,
  tell: (line: string) => void,
): Promise<RunFollower> {
  const tree = runTree([runId]);
  const taskOrder = taskEventOrder();
  let heard = false;
  let resolveEnd: (event: RunEvent) => void = () => undefined;
  const ended = new Promise<RunEvent>((resolve) => {
    resolveEnd = resolve;
  });

  const onRunEvent = (event: RunEvent) => {
    const depth = tree.place(event);
    if (depth === undefined) return;
    heard = true;
    tell(runLine(event, depth));
    if (event.runId === runId && event.status !== 'running') resolveEnd(event);
  };
  const onTaskEvent = (event: TaskEvent) => {
    const depth = tree.depthOf(event.runId);
    if (depth === undefined) return;
    heard = true;
    if (!taskOrder.isLate(event)) tell(taskLine(event, depth));
  };

  // Read before the run is started: its first event comes after this sequence.
  const { state } = await nats.jsm.streams.info(StreamNames.events);
  const consumer = await nats.js.consumers.get(StreamNames.events, {
    filter_subjects: 'oo.evt.>',
    deliver_policy: DeliverPolicy.StartSequence,
    opt_start_seq: state.last_seq + 1,
  });
  const messages = await consumer.consume();
  void (async () => {
    for await (const msg of messages) {
      if (msg.subject.startsWith('oo.evt.run.')) {
        const event = parse<RunEvent>(msg.data, EngineSubjects.runEvents.schema);
        if (event) onRunEvent(event);
      } else if (msg.subject.startsWith('oo.evt.task.')) {
        const event = parse<TaskEvent>(msg.data, EngineSubjects.taskEvents.schema);
        if (event) onTaskEvent(event);
      }
    }
  })();
  return {
    ended,
    heard: () => heard,
    stop() {
      messages.stop();
    },
  };
}
