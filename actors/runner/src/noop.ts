/** `noop`: succeeds at once with its input as output (`{}` without input). For wiring and tests. */
import { defineTask } from '@oo/runtime';
import { z } from 'zod';

export const noop = defineTask({
  type: 'noop',
  description: 'Returns its input as output, or {} without input.',
  // Any value: a message body is JSON already, and the runner checks the output is JSON. A schema
  // walking it again would be most of what a no-op task costs (the engine benchmarks run noops).
  input: z.unknown(),
  output: z.unknown(),
  run: async (_ctx, input) => input ?? {},
});
