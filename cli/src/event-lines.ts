/**
 * The lines `oo templates run` and `oo request submit|wait|cancel|rerun --wait` tell on stderr, one
 * per request, run or task change: `HH:MM:SS run run_… diamond@1 succeeded`, with a child run and
 * its tasks indented under the run that started it, so both commands read alike. An error's message
 * comes from elsewhere (a task's failure): its control characters are escaped (terminal-text.ts).
 */
import { printable } from './terminal-text.js';

interface ErrorLike {
  readonly code?: string | undefined;
  readonly message?: string | undefined;
  /** An ErrorData's other fields (retryable, details), which no line shows. */
  readonly [other: string]: unknown;
}

/** What a line of a run needs of its event (a RunEvent, or the body of an event stream's frame). */
export interface RunLineEvent {
  readonly at: string;
  readonly runId: string;
  readonly template: string;
  readonly version?: number | undefined;
  readonly status: string;
  readonly error?: ErrorLike | null | undefined;
  readonly parent?: { readonly runId: string } | null | undefined;
}

/** What a line of a task needs of its event. */
export interface TaskLineEvent {
  readonly at: string;
  readonly runId?: string | undefined;
  readonly taskKey: string;
  readonly type: string;
  readonly status: string;
  readonly attempt?: number | undefined;
  readonly retryAt?: string | undefined;
  readonly error?: ErrorLike | null | undefined;
}

const timeOf = (iso: string) => iso.slice(11, 19);

function errorText(error: ErrorLike | null | undefined): string {
  return error?.code ? printable(` (${error.code}: ${error.message ?? ''})`) : '';
}

/** `HH:MM:SS request succeeded`. */
export function requestLine(at: string, status: string, error?: ErrorLike | null): string {
  return `${timeOf(at)} request ${status}${errorText(error)}`;
}

/** `HH:MM:SS run run_… template@1 succeeded`, indented by the run's depth in its tree. */
export function runLine(event: RunLineEvent, depth: number): string {
  // A run refused before its template was found has version 0: no version to tell.
  const version = event.version ? `@${event.version}` : '';
  return `${timeOf(event.at)} ${'  '.repeat(depth)}run ${event.runId} ${event.template}${version} ${event.status}${errorText(event.error)}`;
}

/** `HH:MM:SS task a noop succeeded`, with the attempt after the first and a retry's time. */
export function taskLine(event: TaskLineEvent, depth: number): string {
  const attempt = (event.attempt ?? 1) > 1 ? ` (attempt ${event.attempt})` : '';
  const retry = event.retryAt ? `, again at ${timeOf(event.retryAt)}` : '';
  return `${timeOf(event.at)} ${'  '.repeat(depth)}task ${event.taskKey} ${event.type} ${event.status}${attempt}${errorText(event.error)}${retry}`;
}

export interface RunTree {
  /**
   * The depth of the run of this event: a run already placed keeps its depth, one whose parent is
   * in the tree goes one below it. Any other run is a new root at depth 0 when the tree takes new
   * roots, and not in the tree (undefined) when it does not.
   */
  place(event: Pick<RunLineEvent, 'runId' | 'parent'>): number | undefined;
  /** The depth of a run placed before, or undefined. */
  depthOf(runId: string): number | undefined;
}

/** `roots`: the runs the tree starts from; without any, every run not under another is a root. */
export function runTree(roots: readonly string[] = []): RunTree {
  const depths = new Map<string, number>(roots.map((runId) => [runId, 0]));
  const newRoots = roots.length === 0;
  return {
    place(event) {
      const known = depths.get(event.runId);
      if (known !== undefined) return known;
      const parentDepth = event.parent ? depths.get(event.parent.runId) : undefined;
      const depth = parentDepth !== undefined ? parentDepth + 1 : newRoots ? 0 : undefined;
      if (depth !== undefined) depths.set(event.runId, depth);
      return depth;
    },
    depthOf: (runId) => depths.get(runId),
  };
}
