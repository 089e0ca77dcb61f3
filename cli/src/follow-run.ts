/**
 * Follows a run and the child runs it starts (`workflow.run`, at any depth) over their events, live
 * on core NATS: one line per run and task change, and the run's end. Subscribed before the run is
 * started, so nothing it does is missed; a child is known by its `running` event naming a parent
 * in the tree, which comes before any event of its tasks.
 */
import { EngineSubjects, type RunEvent, type TaskEvent } from '@oo/contracts';
import type { Nats } from '@oo/runtime';

const decoder = new TextDecoder();

export interface RunFollower {
  /** Resolves with the run's end event (succeeded, failed or cancelled). */
  readonly ended: Promise<RunEvent>;
  /** Whether any event of the run came yet: none for a while means no engine took the start. */
  heard(): boolean;
  stop(): void;
}

function errorText(event: { error?: { code: string; message: string } | undefined }): string {
  return event.error ? ` (${event.error.code}: ${event.error.message})` : '';
}

/** `HH:MM:SS run run_… template@1 succeeded`, indented by the run's depth below the followed one. */
export function runLine(event: RunEvent, depth: number): string {
  const time = event.at.slice(11, 19);
  return `${time} ${'  '.repeat(depth)}run ${event.runId} ${event.template}@${event.version} ${event.status}${errorText(event)}`;
}

/** `HH:MM:SS task a noop succeeded`, with the attempt after the first and a retry's time. */
export function taskLine(event: TaskEvent, depth: number): string {
  const time = event.at.slice(11, 19);
  const attempt = event.attempt > 1 ? ` (attempt ${event.attempt})` : '';
  const retry = event.retryAt ? `, again at ${event.retryAt.slice(11, 19)}` : '';
  return `${time} ${'  '.repeat(depth)}task ${event.taskKey} ${event.type} ${event.status}${attempt}${errorText(event)}${retry}`;
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
  /** The runs of the tree, each with its depth. */
  const depths = new Map<string, number>([[runId, 0]]);
  let heard = false;
  let resolveEnd: (event: RunEvent) => void = () => undefined;
  const ended = new Promise<RunEvent>((resolve) => {
    resolveEnd = resolve;
  });
  const runs = nats.nc.subscribe(EngineSubjects.runEvents.name, {
    callback: (err, msg) => {
      if (err) return;
      const event = parse<RunEvent>(msg.data, EngineSubjects.runEvents.schema);
      if (!event) return;
      const parentDepth = event.parent ? depths.get(event.parent.runId) : undefined;
      if (parentDepth !== undefined && !depths.has(event.runId)) depths.set(event.runId, parentDepth + 1);
      const depth = depths.get(event.runId);
      if (depth === undefined) return;
      heard = true;
      tell(runLine(event, depth));
      if (event.runId === runId && event.status !== 'running') resolveEnd(event);
    },
  });
  const tasks = nats.nc.subscribe(EngineSubjects.taskEvents.name, {
    callback: (err, msg) => {
      if (err) return;
      const event = parse<TaskEvent>(msg.data, EngineSubjects.taskEvents.schema);
      const depth = event && depths.get(event.runId);
      if (!event || depth === undefined) return;
      heard = true;
      tell(taskLine(event, depth));
    },
  });
  // The server has both subscriptions once the flush returns: the start may go now.
  await nats.nc.flush();
  return {
    ended,
    heard: () => heard,
    stop() {
      runs.unsubscribe();
      tasks.unsubscribe();
    },
  };
}
