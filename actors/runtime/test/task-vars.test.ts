import { OoError } from '@oo/contracts';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { TaskState, TaskStateHandle } from '../src/task/task-state.js';
import { taskVars } from '../src/task/task-vars.js';

/** A task state in memory whose `save` applies the change, as the KV-backed one does once stored. */
function memoryState(): TaskStateHandle & { saves: number } {
  let current: TaskState = {
    dispatch: 1,
    attempt: 1,
    startedAt: '2026-11-28T00:00:00.000Z',
    vars: {},
  } as TaskState;
  return {
    saves: 0,
    get current() {
      return current;
    },
    assumed: false,
    assume(change) {
      current = change(current);
    },
    async save(change) {
      current = change(current);
      this.saves++;
    },
  };
}

const JobVars = z.object({ jobId: z.number().int(), job: z.object({ url: z.string() }).optional() });

async function refusal(write: Promise<unknown>): Promise<OoError> {
  const err = await write.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(OoError);
  expect((err as OoError).code).toBe('OO_ERR_WORKFLOW_TASK_VARS_INVALID');
  return err as OoError;
}

describe('runtime - ctx.vars', () => {
  it('stores, reads back and deletes a declared variable', async () => {
    const state = memoryState();
    const vars = taskVars<z.infer<typeof JobVars>>(state, JobVars);
    await vars.set('jobId', 42);
    expect(vars.get('jobId')).toBe(42);
    expect(state.current.vars).toEqual({ jobId: 42 });
    await vars.delete('jobId');
    expect(vars.get('jobId')).toBeUndefined();
    expect(state.saves).toBe(2);
  });

  it('refuses a value against the schema, naming the variable, the field and the rule, and stores nothing', async () => {
    const state = memoryState();
    const vars = taskVars(state, JobVars as never);
    const wrongType = await refusal(vars.set('jobId', 'abc'));
    expect(wrongType.message).toMatch(/^invalid task variable: jobId: .*expected number/);
    const nested = await refusal(vars.set('job', { url: 7 }));
    expect(nested.message).toMatch(/^invalid task variable: job\.url: .*expected string/);
    expect(nested.details?.issues).toEqual([{ path: 'job.url', message: expect.any(String) }]);
    expect(state.saves).toBe(0);
  });

  it('refuses a variable the schema does not declare, a value that is not JSON, and any write without a schema', async () => {
    const vars = taskVars(memoryState(), JobVars as never);
    expect((await refusal(vars.set('other', 1))).message).toContain('other is not declared in vars');
    expect((await refusal(vars.set('jobId', undefined as never))).message).toContain('use delete to unset');
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect((await refusal(vars.set('job', cyclic as never))).message).toMatch(/job is not JSON/);
    const stateless = taskVars(memoryState());
    expect((await refusal(stateless.set('jobId', 1))).message).toContain('declares no `vars` schema');
  });
});
