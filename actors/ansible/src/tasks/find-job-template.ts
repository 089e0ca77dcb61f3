/** `awx.find_job_template`: the id of a job template, by its exact name (and organisation). */
import { defineTask } from '@oo/runtime';
import { z } from 'zod';
import type { AwxAccess } from '../awx-access.js';

export const FindJobTemplateInput = z
  .object({
    name: z.string().min(1),
    /** Job template names are unique per organisation only. */
    organization: z.string().min(1).optional(),
  })
  .strict();

export const FindJobTemplateOutput = z.object({ id: z.number().int().positive(), name: z.string() }).strict();

export function findJobTemplateTask(awx: AwxAccess) {
  return defineTask({
    type: 'awx.find_job_template',
    description: 'Looks up an AWX job template by name; fails terminally when none or several match.',
    input: FindJobTemplateInput,
    output: FindJobTemplateOutput,
    retry: { maxAttempts: 5, backoffMs: 2_000, maxBackoffMs: 30_000 },
    async run(ctx, input) {
      const jt = await awx.client().findJobTemplate(input.name, {
        signal: ctx.signal,
        ...(input.organization === undefined ? {} : { organization: input.organization }),
      });
      return { id: jt.id, name: jt.name };
    },
  });
}
