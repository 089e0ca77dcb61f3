import { OoError } from '@oo/contracts';
import {
  type ActorDefinition,
  type AnyTaskDefinition,
  DEFAULT_TASK_RETRY,
  defineRunner,
  defineTask,
  type TaskContext,
  taskRetryDelay,
  taskStateKey,
} from '@oo/runtime';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';

const Input = z.object({ n: z.number().int(), note: z.string().optional() });
const Output = z.object({ doubled: z.number() });

describe('defineTask - types', () => {
  it('infers the input of run from the input schema', () => {
    defineTask({
      type: 'types.input',
      input: Input,
      output: Output,
      async run(ctx, input) {
        expectTypeOf(input).toEqualTypeOf<{ n: number; note?: string | undefined }>();
        expectTypeOf(ctx).toEqualTypeOf<TaskContext>();
        return { doubled: input.n * 2 };
      },
    });
  });

  it('rejects a returned output of the wrong type at compile time', () => {
    defineTask({
      type: 'types.output',
      input: Input,
      output: Output,
      // @ts-expect-error the returned doubled is a string where the output schema says number
      async run(_ctx, input) {
        return { doubled: String(input.n) };
      },
    });
  });

  it('lets run return ctx.again instead of an output', () => {
    defineTask({
      type: 'types.again',
      input: Input,
      output: Output,
      async run(ctx, input) {
        if (input.n > 0) return ctx.again(1_000);
        return { doubled: 0 };
      },
    });
  });

  it('types ctx.vars from the vars schema', () => {
    defineTask({
      type: 'types.vars',
      input: z.object({}),
      output: z.object({}),
      vars: z.object({ jobId: z.number(), tags: z.array(z.string()) }),
      async run(ctx) {
        expectTypeOf(ctx.vars.get('jobId')).toEqualTypeOf<number | undefined>();
        // @ts-expect-error jobId holds a number
        await ctx.vars.set('jobId', 'x');
        // @ts-expect-error undeclared variable
        ctx.vars.get('other');
        return {};
      },
    });
  });

  it('accepts tasks of different types in one runner', () => {
    const a = defineTask({
      type: 'types.a',
      input: Input,
      output: Output,
      run: async () => ({ doubled: 1 }),
    });
    const b = defineTask({ type: 'types.b', input: z.string(), output: z.string(), run: async (_c, s) => s });
    expectTypeOf(a).toExtend<AnyTaskDefinition>();
    expectTypeOf(
      defineRunner({ name: 'types-runner', version: '1.0.0', tasks: [a, b] }),
    ).toEqualTypeOf<ActorDefinition>();
  });
});

describe('defineTask - declaration checks', () => {
  it('refuses a type that is not lower-case words joined by dots', () => {
    expect(() =>
      defineTask({ type: 'Bad Type', input: z.object({}), output: z.object({}), run: async () => ({}) }),
    ).toThrow(/task type "Bad Type"/);
  });

  it('fills the declared retry policy with the contract defaults', () => {
    const task = defineTask({
      type: 'retry.filled',
      input: z.object({}),
      output: z.object({}),
      retry: { maxAttempts: 5 },
      run: async () => ({}),
    });
    expect(task.retry).toEqual({ ...DEFAULT_TASK_RETRY, maxAttempts: 5 });
  });

  it('refuses two tasks of the same type in one runner', () => {
    const t = defineTask({ type: 'dup', input: z.object({}), output: z.object({}), run: async () => ({}) });
    expect(() => defineRunner({ name: 'dup-runner', version: '1.0.0', tasks: [t, t] })).toThrow(
      /declared twice/,
    );
  });
});

describe('task retry delay', () => {
  const policy = { maxAttempts: 5, backoffMs: 1_000, maxBackoffMs: 5_000, jitter: 0 };

  it('doubles from backoffMs and stops at maxBackoffMs', () => {
    expect([1, 2, 3, 4].map((n) => taskRetryDelay(policy, n, 'seed'))).toEqual([1_000, 2_000, 4_000, 5_000]);
  });

  it('adds at most the jitter fraction, the same for the same seed', () => {
    const jittered = { ...policy, jitter: 0.2 };
    const first = taskRetryDelay(jittered, 1, 'run_1.a.1');
    expect(first).toBeGreaterThanOrEqual(1_000);
    expect(first).toBeLessThanOrEqual(1_200);
    expect(taskRetryDelay(jittered, 1, 'run_1.a.1')).toBe(first);
  });

  it('waits for an error’s retryAfterMs when it is longer', () => {
    const error = new OoError('OO_ERR_WORKFLOW_HTTP_STATUS', '429', { retryable: true, retryAfterMs: 9_000 });
    expect(taskRetryDelay(policy, 1, 'seed', error.retryAfterMs)).toBe(9_000);
  });
});

describe('task state key', () => {
  it('writes a forEach index with = since KV keys allow no brackets', () => {
    expect(taskStateKey('run_01', 'deploy[12]')).toBe('run_01.deploy=12');
    expect(taskStateKey('run_01', 'deploy')).toBe('run_01.deploy');
  });
});
