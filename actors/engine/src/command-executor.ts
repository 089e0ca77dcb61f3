/**
 * Turns the planner's commands into publishes, after the state that produced them was written.
 * Every publish carries a dedupe id derived from the business key, so executing the same commands
 * again (a redelivered event, the reconciler) publishes nothing new inside the duplicate window.
 */
import {
  EngineSubjects,
  type RunEnd,
  type RunEvent,
  runEventSubject,
  type TaskEvent,
  taskEventSubject,
  taskSubject,
} from '@oo/contracts';
import type { ActorContext, Publish, PublishOptions } from '@oo/runtime';
import { childEndedMsgId, childEndedOf } from './child-ended.js';
import type { PlannerCommand } from './planner-types.js';
import type { RunState } from './run-state.js';

type Publisher = Pick<ActorContext, 'publish'> | { publish: Publish };

function idsOf(state: RunState, taskKey?: string): PublishOptions['ids'] {
  return { traceId: state.traceId, requestId: state.requestId, runId: state.runId, taskId: taskKey };
}

function withRequest<T extends object>(event: T, state: RunState): T & { requestId?: string } {
  // Not `{ ...event, requestId }`: a spread followed by a new property is a slow path of Node 20's V8.
  return state.requestId ? { requestId: state.requestId, ...event } : event;
}

/**
 * Records a run that ended cancelled or failed in `run_ends`, for runners that did not hear it; with
 * `taskKey`, one task of it cancelled while the run goes on.
 */
export type RecordRunEnd = (end: RunEnd, taskKey?: string) => Promise<unknown>;

export async function executeCommands(
  via: Publisher,
  state: RunState,
  commands: readonly PlannerCommand[],
  recordEnd: RecordRunEnd,
): Promise<void> {
  // Publishes go out in plan order on one connection (so watchers see "succeeded" before the next
  // task's "scheduled") and their acks are awaited together: one round trip, not one per command.
  const sent: Promise<unknown>[] = [];
  const send = (p: Promise<unknown>) => {
    sent.push(p);
  };
  for (const command of commands) {
    switch (command.kind) {
      case 'task-event': {
        if (command.announced) break; // the runner's own end event, already in the stream
        const event: TaskEvent = withRequest(command.event, state);
        send(
          via.publish(taskEventSubject(event.status), event, {
            msgId: `${state.runId}.${event.taskKey}.${event.status}.${event.attempt}`,
            ids: idsOf(state, event.taskKey),
          }),
        );
        break;
      }
      case 'run-event': {
        const event: RunEvent = withRequest(command.event, state);
        if (event.status === 'cancelled' || event.status === 'failed') {
          const reason = event.error?.message ?? event.status;
          send(recordEnd({ runId: event.runId, status: event.status, reason, at: event.at }));
        }
        send(
          via.publish(runEventSubject(event.status), event, {
            msgId: `${state.runId}.run.${event.status}`,
            ids: idsOf(state),
          }),
        );
        const ended = childEndedOf(state);
        if (ended) {
          send(
            via.publish(EngineSubjects.childEnded, ended, {
              msgId: childEndedMsgId(state.runId),
              ids: idsOf(state),
            }),
          );
        }
        break;
      }
      case 'schedule':
        send(
          via.publish(
            taskSubject(command.type),
            {
              runId: state.runId,
              taskKey: command.taskKey,
              type: command.type,
              attempt: command.attempt,
              input: command.input,
              ...(command.retry ? { retry: command.retry } : {}),
              ...(command.timeoutMs ? { timeoutMs: command.timeoutMs } : {}),
            },
            {
              msgId: `${state.runId}.${command.taskKey}.${command.attempt}`,
              ids: idsOf(state, command.taskKey),
            },
          ),
        );
        break;
      case 'start-child':
        send(
          via.publish(
            EngineSubjects.start,
            {
              runId: command.childRunId,
              template: command.template,
              ...(command.version ? { version: command.version } : {}),
              input: command.input,
              ...(state.requestId ? { requestId: state.requestId } : {}),
              parent: { runId: state.runId, taskKey: command.taskKey },
            },
            { msgId: `start.${command.childRunId}`, ids: idsOf(state, command.taskKey) },
          ),
        );
        break;
      case 'cancel-child':
        send(
          via.publish(
            EngineSubjects.cancel,
            { runId: command.childRunId, reason: command.reason },
            { msgId: `cancel.${command.childRunId}`, ids: idsOf(state) },
          ),
        );
        break;
      case 'cancel-tasks':
        // Runners abort a run's running tasks when its terminal run event arrives (published above),
        // and one task when its `cancelled` event does; a runner that was down finds either in
        // `run_ends`, where a task cancelled in a run that goes on is recorded here.
        if (command.reason !== undefined && state.status === 'running') {
          for (const taskKey of command.taskKeys) {
            const end: RunEnd = {
              runId: state.runId,
              status: 'cancelled',
              reason: command.reason,
              at: state.updatedAt,
            };
            send(recordEnd(end, taskKey));
          }
        }
        break;
    }
  }
  await Promise.all(sent);
}
