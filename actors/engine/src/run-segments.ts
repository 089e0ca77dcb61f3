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
 * (`a[3]`) as an entry holding the output alone (`outputEntry`), and a read puts them back. The head
 * holds only the part of the outputs array where something may still change: from the first
 * element not settled (still in flight, or its output not sealed yet) to the last dispatched, with
 * `outputsFrom` saying where it starts (`Sealed` remembers that index between writes). So a step of
 * a forEach of 20,000 elements writes what is near its front, not 20,000 outputs or nulls. (The
 * elements' entries themselves exist only while they are in flight.) A segment of element outputs
 * holds one forEach's only; once that forEach ends, its outputs are its own output: the head stops
 * listing those segments (`dropEndedOutputs`) and, once it is written, they are deleted. A replica
 * that read an older head and finds one gone reads the head again.
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
  /** A forEach of at most this many elements, none of whose outputs is sealed, writes them whole. */
  readonly wholeOutputs: number;
}

/**
 * 64 ended tasks: a small run (a diamond, a request's workflow) never seals, a big one writes a
 * segment every 64 ends. 256 KiB of head and segment keep both well inside NATS's 1 MiB default max
 * payload with one 64 KiB inline output over (outputs.inlineMaxBytes). A forEach of up to 64
 * elements (a request's VMs) keeps its outputs as they are, so its head costs no copy.
 */
export const SEAL_LIMITS: SealLimits = {
  tasks: 64,
  headBytes: 256 * 1024,
  segmentBytes: 256 * 1024,
  wholeOutputs: 64,
};

/** What of a run is held in segments rather than in its head, as the run store knows it. */
export interface Sealed {
  /** Ended tasks in segments. */
  readonly tasks: Set<string>;
  /** forEach tasks collecting outputs, by task key. */
  readonly outputs: Map<string, SealedOutputs>;
}

/** Of one forEach collecting outputs: which are in segments, and how far they are settled. */
export interface SealedOutputs {
  /**
   * Elements below this index are settled: they ended, with their output sealed or null. Advanced
   * by `headOf`; a run read from the bucket starts from its head's `outputsFrom`.
   */
  from: number;
  /** Indexes, not below `from`, of the element outputs in segments. */
  readonly indexes: Set<number>;
  /** Names of the segments holding its outputs. */
  readonly segments: Set<string>;
}

export function nothingSealed(): Sealed {
  return { tasks: new Set(), outputs: new Map() };
}

function sealedOutputs(sealed: Sealed, id: string): SealedOutputs {
  let found = sealed.outputs.get(id);
  if (!found) {
    found = { from: 0, indexes: new Set(), segments: new Set() };
    sealed.outputs.set(id, found);
  }
  return found;
}

/** The forEach whose element outputs a segment holds, or undefined for a segment of ended tasks. */
function ownerOf(tasks: SegmentTasks): string | undefined {
  let owner: string | undefined;
  for (const key of Object.keys(tasks)) {
    const { id, index } = parseTaskKey(key);
    if (index === undefined || (owner !== undefined && id !== owner)) return undefined;
    owner = id;
  }
  return owner;
}

/** Records segments as listed in the head: what they hold is sealed. */
function markSealed(sealed: Sealed, segments: readonly Segment[]): void {
  for (const segment of segments) {
    for (const key of Object.keys(segment.tasks)) {
      const { id, index } = parseTaskKey(key);
      if (index === undefined) sealed.tasks.add(key);
      else sealedOutputs(sealed, id).indexes.add(index);
    }
    const owner = ownerOf(segment.tasks);
    if (owner !== undefined) sealedOutputs(sealed, owner).segments.add(segment.name);
  }
}

/**
 * Stops listing the segments of forEach tasks that ended since they were sealed (their outputs are
 * the task's own output now), in `state.segments` and in `sealed`; returns their names.
 */
export function dropEndedOutputs(state: RunState, sealed: Sealed): string[] {
  const dropped: string[] = [];
  for (const [id, seal] of sealed.outputs) {
    if (state.tasks[id]?.forEach?.outputs) continue;
    sealed.outputs.delete(id);
    if (seal.segments.size === 0) continue;
    state.segments = state.segments?.filter((name) => !seal.segments.has(name));
    dropped.push(...seal.segments);
  }
  return dropped;
}

/**
 * The keys of the state's tasks not sealed, in the state's order. A big run's step walks all its
 * tasks once, here, and the rest of the step works on what this leaves.
 */
export function unsealedKeys(state: RunState, sealed: Sealed): string[] {
  const keys = Object.keys(state.tasks);
  return sealed.tasks.size === 0 ? keys : keys.filter((key) => !sealed.tasks.has(key));
}

/**
 * What can be sealed and is not yet, in the state's order: ended tasks, and the element keys of the
 * outputs forEach tasks collect (an element that ended with no output leaves null: nothing to keep).
 * Looks at a forEach's elements from where they are settled only.
 */
export function unsealedEnded(
  state: RunState,
  sealed: Sealed,
  keys: readonly string[] = unsealedKeys(state, sealed),
): string[] {
  const ended: string[] = [];
  for (const key of keys) {
    const task = state.tasks[key] as TaskState;
    if (isTerminalTask(task.status)) {
      ended.push(key);
      continue;
    }
    const fe = task.forEach;
    const outputs = fe?.outputs;
    if (!fe || !outputs) continue;
    const seal = sealed.outputs.get(key);
    for (let index = seal?.from ?? 0; index < fe.next; index++) {
      if (outputs[index] != null && !seal?.indexes.has(index)) ended.push(elementKey(key, index));
    }
  }
  return ended;
}

/** A succeeded element's output as sealed: an entry under its element key holding only the output. */
function outputEntry(state: RunState, id: string, index: number): TaskState {
  const parent = state.tasks[id] as TaskState;
  return { type: parent.type, status: 'succeeded', attempt: 0, output: parent.forEach?.outputs?.[index] };
}

/**
 * Seals `keys` (from `unsealedEnded`): makes their segments, lists them in `state.segments` and
 * records them in `sealed`. Returns the segments, for the caller to write before the head.
 */
export function sealSegments(
  runKey: string,
  state: RunState,
  sealed: Sealed,
  keys: readonly string[],
  maxBytes: number,
): Segment[] {
  const made = makeSegments(runKey, state, keys, maxBytes);
  state.segments = [...(state.segments ?? []), ...made.map((s) => s.name)];
  markSealed(sealed, made);
  return made;
}

/**
 * Segments holding these tasks, each at most `maxBytes` of JSON unless one task alone is longer; the
 * element outputs of a forEach in segments of their own.
 */
function makeSegments(runKey: string, state: RunState, keys: readonly string[], maxBytes: number): Segment[] {
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
  let owner: string | undefined;
  for (const key of keys) {
    const { id, index } = parseTaskKey(key);
    const keyOwner = index === undefined ? undefined : id;
    if (keyOwner !== owner) close();
    owner = keyOwner;
    const task = index === undefined ? (state.tasks[key] as TaskState) : outputEntry(state, id, index);
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
 * What is written under the run's key: the state without its sealed tasks, and each forEach's
 * outputs from where they are settled (advancing `from`), sealed ones as null. The state itself
 * when nothing needs leaving out (every small run), so the write costs no copy. `keys`: the
 * unsealed ones, if listed already (some may have been sealed since).
 */
export function headOf(
  state: RunState,
  sealed: Sealed,
  wholeOutputs = SEAL_LIMITS.wholeOutputs,
  keys: readonly string[] = unsealedKeys(state, sealed),
): RunState {
  // Made at the first key that differs from the state's (earlier ones are copied then).
  let tasks: SegmentTasks | undefined = sealed.tasks.size > 0 ? {} : undefined;
  const differs = (at: number) => {
    tasks = {};
    for (const earlier of keys.slice(0, at)) {
      if (!sealed.tasks.has(earlier)) tasks[earlier] = state.tasks[earlier] as TaskState;
    }
    return tasks;
  };
  for (const [at, key] of keys.entries()) {
    if (sealed.tasks.has(key)) {
      tasks ??= differs(at);
      continue;
    }
    const task = state.tasks[key] as TaskState;
    const out = task.forEach?.outputs ? outputsHead(state, key, sealed, wholeOutputs) : task;
    if (out !== task) tasks ??= differs(at);
    if (tasks) tasks[key] = out;
  }
  return tasks ? Object.assign({}, state, { tasks }) : state;
}

/**
 * A collecting forEach's entry as written: its outputs from the first element not settled to the
 * last dispatched, sealed ones as null, and where that starts. Itself while it has few elements and
 * none of them is sealed.
 */
function outputsHead(state: RunState, key: string, sealed: Sealed, wholeOutputs: number): TaskState {
  const task = state.tasks[key] as TaskState;
  const fe = task.forEach!;
  const outputs = fe.outputs!;
  const seal = sealed.outputs.get(key);
  const untouched = !seal || (seal.from === 0 && seal.indexes.size === 0);
  if (fe.total <= wholeOutputs && untouched) return task;
  const { from, indexes } = seal ?? sealedOutputs(sealed, key);
  let settled = from;
  for (; settled < fe.next; settled++) {
    if (outputs[settled] != null && !indexes.has(settled)) break;
    if (state.tasks[elementKey(key, settled)]) break; // in flight
  }
  for (let index = from; index < settled; index++) indexes.delete(index);
  sealedOutputs(sealed, key).from = settled;
  const part = outputs.slice(settled, fe.next);
  for (let offset = 0; offset < part.length; offset++) if (indexes.has(settled + offset)) part[offset] = null;
  return { ...task, forEach: { ...fe, outputs: part, outputsFrom: settled } };
}

/**
 * The whole state from a head and its segments (in the head's order of `segments`), and what is
 * sealed. A sealed element output goes back into its forEach's outputs; one of a forEach that has
 * ended since (its outputs now collected in its own output) is left out.
 */
export function joinSegments(
  head: RunState,
  segments: readonly SegmentTasks[],
): { state: RunState; sealed: Sealed } {
  const sealed = nothingSealed();
  for (const key of Object.keys(head.tasks)) {
    const fe = (head.tasks[key] as TaskState).forEach;
    if (fe?.outputsFrom === undefined || !fe.outputs) continue;
    const outputs: unknown[] = new Array(fe.total).fill(null);
    for (const [offset, output] of fe.outputs.entries()) outputs[fe.outputsFrom + offset] = output;
    sealedOutputs(sealed, key).from = fe.outputsFrom;
    fe.outputs = outputs;
    delete fe.outputsFrom;
  }
  if (segments.length === 0) return { state: head, sealed };
  const tasks: SegmentTasks = {};
  for (const [at, segment] of segments.entries()) {
    for (const key of Object.keys(segment)) {
      const entry = segment[key] as TaskState;
      const { id, index } = parseTaskKey(key);
      if (index === undefined) {
        tasks[key] = entry;
        sealed.tasks.add(key);
        continue;
      }
      const outputs = head.tasks[id]?.forEach?.outputs;
      if (!outputs) continue; // its forEach has ended since: its outputs are its own output now
      outputs[index] = entry.output;
      const seal = sealedOutputs(sealed, id);
      if (index >= seal.from) seal.indexes.add(index);
    }
    const owner = ownerOf(segment);
    const name = head.segments?.[at];
    if (owner !== undefined && name !== undefined && head.tasks[owner]?.forEach?.outputs) {
      sealedOutputs(sealed, owner).segments.add(name);
    }
  }
  for (const key of Object.keys(head.tasks)) tasks[key] = head.tasks[key] as TaskState;
  head.tasks = tasks;
  return { state: head, sealed };
}
