/**
 * A task's `scheduled` event that arrives after the task moved on. The engine publishes `scheduled`
 * and the task message side by side, to two streams the server stores independently: on a loaded
 * server a runner can take the task and publish `running` or its end before the `scheduled` is
 * stored. A task is not scheduled again in the same run once it moved on (a retry is redelivered
 * by the runner, a rerun is a new run), so such a `scheduled` is always the late one. Live lists
 * (the gateway's event stream, `oo templates run`) drop it rather than show a task going back;
 * the read model ranks it below the end (read-model/src/task-projection.ts).
 */
export interface TaskEventOrder {
  /** Notes the event; true when it is a `scheduled` of a task already seen past it (drop it). */
  isLate(event: { readonly runId: string; readonly taskKey: string; readonly status: string }): boolean;
}

/** One per list: it remembers every task it saw move past `scheduled`. */
export function taskEventOrder(): TaskEventOrder {
  /** Per run, the keys of its tasks seen past `scheduled`. */
  const movedOn = new Map<string, Set<string>>();
  return {
    isLate({ runId, taskKey, status }) {
      if (status === 'scheduled') return movedOn.get(runId)?.has(taskKey) ?? false;
      // `pending` is the planner's own status, never an event; anything else is past `scheduled`.
      if (status === 'pending') return false;
      const tasks = movedOn.get(runId);
      if (tasks) tasks.add(taskKey);
      else movedOn.set(runId, new Set([taskKey]));
      return false;
    },
  };
}
