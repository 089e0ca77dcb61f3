/**
 * A run's state in pieces, so that a transition of a big run writes what can still change, not the
 * whole run.
 *
 * A task that ended never changes again in its run. Once enough ended tasks gather in a run's state,
 * they are sealed into a segment: a value in the `run_segments` bucket that is never rewritten, named
 * after its content, and listed in the run's head (the `runs` key, still the one written by
 * compare-and-set). A transition then rewrites the head only: the tasks pending or in flight and the
 * ended ones not sealed yet. So a task of a 2,000-task run no longer costs rewriting the other 1,999
 * on every event, and a run whose outputs together pass a NATS message (1 MiB) still fits.
 *
 * A segment is written before the head that lists it. One written for a head that then loses its
 * compare-and-set is listed by no head (a few bytes left behind, only when replicas race); planned
 * again, the same tasks make the same bytes under the same name.
 *
 * A forEach collects its elements' outputs in its own entry until it ends, and those never change
 * either once an element succeeded. They are sealed the same way, each under its element's key
 * (`a[3]`) as an entry holding the output alone (`outputEntry`); the head then holds null in its
 * place, and a read puts it back. So a forEach of thousands of elements is not bounded by what its
 * outputs add up to. (The elements' entries themselves exist only while they are in flight.)
 */
import { createHash } from 'node:crypto';
import {
  elementKey,
  isTerminalTask,
  parseTaskKey,
  type RunSegment,
  type RunState,
  type TaskState,
} from './run-state.js';

export type SegmentTasks = RunSegment;

export interface Segment {
  readonly name: string;
  readonly tasks: SegmentTasks;
  /** `tasks` as JSON, what is written. */
  readonly json: string;
}

export interface SealLimits {
  /** Ended tasks not sealed yet that make a segment. */
  readonly tasks: number;
  /** A head whose JSON is longer than this seals every ended task it holds. */
  readonly headBytes: number;
  /** Longest JSON of one segment; more ended tasks than fit make several. */
  readonly segmentBytes: number;
}

/**
 * 64 ended tasks: a small run (a diamond, a request's workflow) never seals, a big one writes a
 * segment every 64 ends. 256 KiB of head and segment keep both well inside NATS's 1 MiB default max
 * payload with one 64 KiB inline output over (outputs.inlineMaxBytes).
 */
export const SEAL_LIMITS: SealLimits = { tasks: 64, headBytes: 256 * 1024, segmentBytes: 256 * 1024 };

/**
 * What can be sealed and is not in `sealed`, in the state's order: ended tasks, and the element keys
 * of the outputs forEach tasks collect (an element that ended with no output leaves null: nothing
 * to keep).
 */
export function unsealedEnded(state: RunState, sealed: ReadonlySet<string>): string[] {
  const keys: string[] = [];
  for (const key of Object.keys(state.tasks)) {
    const task = state.tasks[key] as TaskState;
    if (isTerminalTask(task.status)) {
      if (!sealed.has(key)) keys.push(key);
      continue;
    }
    const outputs = task.forEach?.outputs;
    if (!outputs) continue;
    for (let index = 0; index < outputs.length; index++) {
      if (outputs[index] == null) continue;
      const element = elementKey(key, index);
      if (!sealed.has(element)) keys.push(element);
    }
  }
  return keys;
}

/** A succeeded element's output as sealed: an entry under its element key holding only the output. */
function outputEntry(state: RunState, key: string): TaskState {
  const { id, index } = parseTaskKey(key);
  const parent = state.tasks[id] as TaskState;
  return {
    type: parent.type,
    status: 'succeeded',
    attempt: 0,
    output: parent.forEach?.outputs?.[index ?? -1],
  };
}

/** Segments holding these tasks, each at most `maxBytes` of JSON unless one task alone is longer. */
export function makeSegments(
  runKey: string,
  state: RunState,
  keys: readonly string[],
  maxBytes: number,
): Segment[] {
  const segments: Segment[] = [];
  let tasks: SegmentTasks = {};
  let parts: string[] = [];
  let bytes = 2;
  const close = () => {
    if (parts.length === 0) return;
    const json = `{${parts.join(',')}}`;
    const digest = createHash('sha256').update(json).digest('hex').slice(0, 32);
    segments.push({ name: `${runKey}.${digest}`, tasks, json });
    tasks = {};
    parts = [];
    bytes = 2;
  };
  for (const key of keys) {
    const task = state.tasks[key] ?? outputEntry(state, key);
    const part = `${JSON.stringify(key)}:${JSON.stringify(task)}`;
    if (parts.length > 0 && bytes + part.length + 1 > maxBytes) close();
    tasks[key] = task;
    parts.push(part);
    bytes += part.length + 1;
  }
  close();
  return segments;
}

/**
 * What is written under the run's key: the state without its sealed tasks, and with null for the
 * sealed element outputs. The state itself when nothing is sealed (every small run), so the write
 * costs no copy.
 */
export function headOf(state: RunState, sealed: ReadonlySet<string>): RunState {
  if (sealed.size === 0) return state;
  const tasks: SegmentTasks = {};
  for (const key of Object.keys(state.tasks)) {
    if (sealed.has(key)) continue;
    const task = state.tasks[key] as TaskState;
    tasks[key] = task.forEach?.outputs ? withoutSealedOutputs(key, task, sealed) : task;
  }
  return Object.assign({}, state, { tasks });
}

/** A collecting forEach's entry with null for its sealed element outputs (itself when none are). */
function withoutSealedOutputs(key: string, task: TaskState, sealed: ReadonlySet<string>): TaskState {
  const fe = task.forEach!;
  const outputs = fe.outputs!;
  let kept: unknown[] | undefined;
  for (let index = 0; index < outputs.length; index++) {
    if (outputs[index] == null || !sealed.has(elementKey(key, index))) continue;
    kept ??= outputs.slice();
    kept[index] = null;
  }
  return kept ? { ...task, forEach: { ...fe, outputs: kept } } : task;
}

/**
 * The whole state from a head and its segments (in the head's order of `segments`), and the keys
 * sealed. A sealed element output goes back into its forEach's outputs; one of a forEach that has
 * ended since (its outputs now collected in its own output) is left out.
 */
export function joinSegments(
  head: RunState,
  segments: readonly SegmentTasks[],
): { state: RunState; sealed: Set<string> } {
  if (segments.length === 0) return { state: head, sealed: new Set() };
  const tasks: SegmentTasks = {};
  const sealed = new Set<string>();
  for (const segment of segments) {
    for (const key of Object.keys(segment)) {
      const entry = segment[key] as TaskState;
      const { id, index } = parseTaskKey(key);
      if (index === undefined) {
        tasks[key] = entry;
        sealed.add(key);
        continue;
      }
      const outputs = head.tasks[id]?.forEach?.outputs;
      if (!outputs) continue;
      outputs[index] = entry.output;
      sealed.add(key);
    }
  }
  for (const key of Object.keys(head.tasks)) tasks[key] = head.tasks[key] as TaskState;
  head.tasks = tasks;
  return { state: head, sealed };
}
