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
 */
import { createHash } from 'node:crypto';
import { isTerminalTask, type RunSegment, type RunState, type TaskState } from './run-state.js';

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

/** Ended tasks of the state not in `sealed`, in the state's order. */
export function unsealedEnded(state: RunState, sealed: ReadonlySet<string>): string[] {
  const keys: string[] = [];
  for (const key of Object.keys(state.tasks)) {
    if (!sealed.has(key) && isTerminalTask((state.tasks[key] as TaskState).status)) keys.push(key);
  }
  return keys;
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
    const task = state.tasks[key] as TaskState;
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
 * What is written under the run's key: the state without its sealed tasks. The state itself when
 * nothing is sealed (every small run), so the write costs no copy.
 */
export function headOf(state: RunState, sealed: ReadonlySet<string>): RunState {
  if (sealed.size === 0) return state;
  const tasks: SegmentTasks = {};
  for (const key of Object.keys(state.tasks)) {
    if (!sealed.has(key)) tasks[key] = state.tasks[key] as TaskState;
  }
  return Object.assign({}, state, { tasks });
}

/** The whole state from a head and its segments' tasks (in the head's order of `segments`). */
export function joinSegments(
  head: RunState,
  segments: readonly SegmentTasks[],
): { state: RunState; sealed: Set<string> } {
  if (segments.length === 0) return { state: head, sealed: new Set() };
  const tasks: SegmentTasks = {};
  const sealed = new Set<string>();
  for (const segment of segments) {
    for (const key of Object.keys(segment)) {
      tasks[key] = segment[key] as TaskState;
      sealed.add(key);
    }
  }
  for (const key of Object.keys(head.tasks)) tasks[key] = head.tasks[key] as TaskState;
  head.tasks = tasks;
  return { state: head, sealed };
}
