/**
 * From a concrete subject name back to its declaration: what a message found on the bus (a dead
 * letter's, say) must carry. Commands are declared one by one; events and tasks by pattern, with
 * the token after the pattern's prefix checked against what may stand there.
 */
import { NotifySubjects } from './notify.js';
import { RequestStatus, RequestSubjects, requestEventSubject } from './request.js';
import { assertSubjectName, type Subject } from './subjects.js';
import {
  EngineSubjects,
  RunStatus,
  runEventSubject,
  TaskStatus,
  taskEventSubject,
  taskSubject,
} from './workflow.js';

const commands: ReadonlyMap<string, Subject> = new Map(
  [
    RequestSubjects.submit,
    RequestSubjects.rerun,
    RequestSubjects.cancel,
    EngineSubjects.start,
    EngineSubjects.cancel,
    EngineSubjects.childEnded,
    NotifySubjects.email,
  ].map((s): [string, Subject] => [s.name, s]),
);

const REQUEST_EVENT = 'oo.evt.request.';
const RUN_EVENT = 'oo.evt.run.';
const TASK_EVENT = 'oo.evt.task.';
const TASK = 'oo.task.';

function isTaskSubjectName(name: string): boolean {
  try {
    assertSubjectName(name);
    return true;
  } catch {
    return false;
  }
}

/** The declaration a message on `name` follows, or undefined when OO publishes nothing there. */
export function subjectNamed(name: string): Subject | undefined {
  const command = commands.get(name);
  if (command) return command;
  const tail = (prefix: string) => (name.startsWith(prefix) ? name.slice(prefix.length) : undefined);
  const request = RequestStatus.safeParse(tail(REQUEST_EVENT));
  if (request.success) return requestEventSubject(request.data);
  const run = RunStatus.safeParse(tail(RUN_EVENT));
  if (run.success) return runEventSubject(run.data);
  const task = TaskStatus.safeParse(tail(TASK_EVENT));
  if (task.success) return taskEventSubject(task.data);
  const type = tail(TASK);
  if (type && isTaskSubjectName(name)) return taskSubject(type);
  return undefined;
}
