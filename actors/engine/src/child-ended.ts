/**
 * How a child run tells its parent that it ended: an `oo.cmd.engine.child-ended` command for the
 * parent's run, not the parent listening to every run event. Built from the child's state, so it can
 * be sent again whenever the parent asks (a reconciled `workflow.run` re-sends its start).
 */
import type { ChildRunEnded } from '@oo/contracts';
import type { RunState } from './run-state.js';

/** The message for the parent of `state`; undefined while it runs or when it has no parent. */
export function childEndedOf(state: RunState): ChildRunEnded | undefined {
  if (!state.parent || state.status === 'running') return undefined;
  return {
    runId: state.parent.runId,
    taskKey: state.parent.taskKey,
    childRunId: state.runId,
    status: state.status,
    ...(state.output === undefined ? {} : { output: state.output }),
    ...(state.error === undefined ? {} : { error: state.error }),
    at: state.finishedAt ?? state.updatedAt,
  };
}

/** Dedupe id: one notice per child run. */
export function childEndedMsgId(childRunId: string): string {
  return `child-ended.${childRunId}`;
}
