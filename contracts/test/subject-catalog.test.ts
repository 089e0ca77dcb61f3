import { describe, expect, it } from 'vitest';
import {
  EngineSubjects,
  NotifySubjects,
  RequestSubjects,
  runEventSubject,
  subjectNamed,
  taskEventSubject,
  taskSubject,
} from '../src/index.js';

describe('contracts - subject catalog', () => {
  it('finds every command by its name', () => {
    for (const s of [
      RequestSubjects.submit,
      RequestSubjects.rerun,
      RequestSubjects.cancel,
      EngineSubjects.start,
      EngineSubjects.cancel,
      EngineSubjects.childEnded,
      NotifySubjects.email,
    ]) {
      expect(subjectNamed(s.name)).toBe(s);
    }
  });

  it('finds events and tasks by the token after their prefix', () => {
    expect(subjectNamed('oo.evt.run.failed')).toBe(runEventSubject('failed'));
    expect(subjectNamed('oo.evt.task.scheduled')).toBe(taskEventSubject('scheduled'));
    expect(subjectNamed('oo.evt.request.accepted')?.name).toBe('oo.evt.request.accepted');
    expect(subjectNamed('oo.task.awx.launch')).toBe(taskSubject('awx.launch'));
  });

  it('knows nothing OO does not publish', () => {
    for (const name of [
      'oo.evt.run.exploded',
      'oo.evt.task.',
      'oo.cmd.engine.explode',
      'oo.dlq.engine',
      'oo.task.',
      'oo.task.Bad',
      'oo.task.a..b',
      'oo.evt.run.*',
      'elsewhere.x',
    ]) {
      expect(subjectNamed(name), name).toBeUndefined();
    }
  });

  it('marks the commands whose handlers act as their caller', () => {
    expect(subjectNamed('oo.cmd.requests.submit')?.needsCaller).toBe(true);
    expect(subjectNamed('oo.cmd.requests.cancel')?.needsCaller).toBe(true);
    expect(subjectNamed('oo.cmd.engine.start')?.needsCaller).toBe(false);
    expect(subjectNamed('oo.task.noop')?.needsCaller).toBe(false);
  });
});
