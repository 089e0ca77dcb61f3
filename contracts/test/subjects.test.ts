import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import {
  type BodyOf,
  durableName,
  isPattern,
  StreamNames,
  schemaHeader,
  schemaVersionIn,
  subject,
} from '../src/index.js';

describe('contracts - subjects', () => {
  it('binds a subject to the stream of its kind', () => {
    expect(subject('oo.cmd.requests.submit', z.object({})).stream).toBe(StreamNames.commands);
    expect(subject('oo.evt.run.succeeded', z.object({})).stream).toBe(StreamNames.events);
    expect(subject('oo.task.awx.launch', z.object({})).stream).toBe(StreamNames.tasks);
    expect(subject('oo.dlq.engine', z.object({})).stream).toBe(StreamNames.deadLetters);
  });

  it('rejects names outside the grammar, naming the bad part', () => {
    expect(() => subject('foo.cmd.x.y', z.object({}))).toThrow(/must start with oo\.cmd\./);
    expect(() => subject('oo.cmd.x', z.object({}))).toThrow(/too few tokens/);
    expect(() => subject('oo.cmd.x.Bad', z.object({}))).toThrow(/token "Bad"/);
    expect(() => subject('oo.evt.run.*', z.object({}))).toThrow(/token "\*"/);
  });

  it('accepts wildcards only when declared as a pattern', () => {
    const runs = subject('oo.evt.run.*', z.object({}), { pattern: true });
    expect(isPattern(runs.name)).toBe(true);
    expect(isPattern('oo.cmd.engine.start')).toBe(false);
  });

  it('derives one durable name per actor and subject, without NATS-reserved characters', () => {
    expect(durableName('ledger', 'oo.evt.run.*')).toBe('ledger__oo_evt_run_any');
    expect(durableName('engine', 'oo.cmd.engine.>')).toBe('engine__oo_cmd_engine_all');
  });

  it('types a subject body from its schema', () => {
    const s = subject('oo.cmd.a.b', z.object({ n: z.number(), d: z.string().default('x') }));
    expectTypeOf<BodyOf<typeof s>>().toEqualTypeOf<{ n: number; d?: string | undefined }>();
  });
});

describe('contracts - the oo-schema header', () => {
  it('names a subject and version, and reads the version back', () => {
    expect(schemaHeader('oo.task.noop', 2)).toBe('oo.task.noop@2');
    expect(schemaVersionIn(schemaHeader('oo.task.noop', 2))).toBe(2);
    for (const value of [undefined, '', 'oo.task.noop', 'oo.task.noop@', 'oo.task.noop@x']) {
      expect(schemaVersionIn(value), String(value)).toBeUndefined();
    }
  });
});
