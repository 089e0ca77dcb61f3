/**
 * When the runner took each task and when it let go of it, seen from inside the runner process (an
 * interceptor around the task handler, `performance.now()`), so the gap between a task and the next
 * one is measured without clock skew or millisecond rounding.
 */
import type { Interceptor } from '@oo/runtime';

export interface TaskMarks {
  /** The first delivery of the task message reached the runner's handler (ms, performance.now). */
  delivered: number;
  /** The handler returned: the task's end event is published and acknowledged by the stream. */
  settled?: number;
}

export interface TaskTimings {
  readonly interceptor: Interceptor;
  get(runId: string, taskKey: string): TaskMarks | undefined;
  clear(): void;
}

export function taskTimings(): TaskTimings {
  const marks = new Map<string, TaskMarks>();
  const keyOf = (runId: string | undefined, taskKey: string | undefined) => `${runId} ${taskKey}`;
  return {
    async interceptor(ctx, _body, next) {
      const key = keyOf(ctx.runId, ctx.taskId);
      let mark = marks.get(key);
      if (!mark) {
        mark = { delivered: performance.now() };
        marks.set(key, mark);
      }
      try {
        return await next();
      } finally {
        mark.settled = performance.now();
      }
    },
    get: (runId, taskKey) => marks.get(keyOf(runId, taskKey)),
    clear: () => marks.clear(),
  };
}

/**
 * Scheduling latency of each (run, task with needs): the task's delivery at the runner minus the
 * moment the runner let go of the last of its needs. Covers end event -> engine -> KV -> schedule -> runner.
 */
export function schedulingLatencies(
  timings: TaskTimings,
  runIds: readonly string[],
  needs: ReadonlyMap<string, readonly string[]>,
): number[] {
  const out: number[] = [];
  for (const runId of runIds) {
    for (const [taskKey, before] of needs) {
      if (before.length === 0) continue;
      const task = timings.get(runId, taskKey);
      const done = before.map((b) => timings.get(runId, b)?.settled);
      if (!task || done.some((d) => d === undefined)) continue;
      out.push(task.delivered - Math.max(...(done as number[])));
    }
  }
  return out;
}
