/**
 * `fail`: fails its first `times` attempts (every attempt without `times`), then succeeds. For
 * testing retries and a template's failure handling.
 */
import { OoError } from '@oo/contracts';
import { defineTask } from '@oo/runtime';
import { z } from 'zod';

export const FailInput = z
  .object({
    /** Error code to fail with (default OO_ERR_WORKFLOW_FAIL_TASK). */
    code: z
      .string()
      .regex(/^OO_ERR_[A-Z0-9_]+$/)
      .optional(),
    message: z.string().max(1_000).optional(),
    /** Whether the runner may retry the failure (default true). */
    retryable: z.boolean().default(true),
    /** Attempts that fail before one succeeds; every attempt fails when absent. */
    times: z.number().int().min(0).optional(),
  })
  .strict();

export const fail = defineTask({
  type: 'fail',
  description: 'Fails the first `times` attempts with the given error, then succeeds.',
  input: FailInput,
  output: z.object({ attempts: z.number().int() }),
  async run(ctx, input) {
    if (input.times !== undefined && ctx.attempt > input.times) return { attempts: ctx.attempt };
    const of = input.times === undefined ? '' : ` of ${input.times}`;
    throw new OoError(
      input.code ?? 'OO_ERR_WORKFLOW_FAIL_TASK',
      input.message ?? `failed on purpose (attempt ${ctx.attempt}${of})`,
      {
        retryable: input.retryable,
      },
    );
  },
});
