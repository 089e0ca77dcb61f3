/** `noop`: succeeds at once with its input as output (`{}` without input). For wiring and tests. */
import { defineTask } from '@oo/runtime';
import { z } from 'zod';

export const noop = defineTask({
  type: 'noop',
  description: 'Returns its input as output, or {} without input.',
  input: z.json().optional(),
  output: z.json(),
  run: async (_ctx, input) => input ?? {},
});
