/** `awx.cancel_job`: asks AWX to cancel a job; a job already ended is not an error. */
import { defineTask } from '@oo/runtime';
import { z } from 'zod';
import type { AwxAccess } from '../awx-access.js';

export const CancelJobInput = z.object({ jobId: z.number().int().positive() }).strict();

export const CancelJobOutput = z
  .object({
    jobId: z.number().int().positive(),
    /** True when AWX accepted the cancel, false when the job had already ended. */
    canceled: z.boolean(),
  })
  .strict();

export function cancelJobTask(awx: AwxAccess) {
  return defineTask({
    type: 'awx.cancel_job',
    description: 'Cancels an AWX job (idempotent: an ended job answers canceled false).',
    input: CancelJobInput,
    output: CancelJobOutput,
    retry: { maxAttempts: 5, backoffMs: 2_000, maxBackoffMs: 30_000 },
    async run(ctx, input) {
      const canceled = await awx.client().cancelJob(input.jobId, { signal: ctx.signal });
      return { jobId: input.jobId, canceled };
    },
  });
}
