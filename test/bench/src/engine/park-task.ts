/**
 * engine.parked's task: it never finishes, it asks to be looked at again in 10 minutes, so its
 * message stays parked in JetStream (a nak with delay) and the run waits. Hosted beside the built-in
 * tasks (the fresh diamond runs need `noop`) by a runner of the bench's own.
 */
import { builtinTasks } from '@oo/runner';
import { defineRunner, defineTask } from '@oo/runtime';
import { z } from 'zod';

export const PARK_MS = 600_000;

export const parkTask = defineTask({
  type: 'bench.park',
  description: `Waits: answers ctx.again(${PARK_MS}) on every delivery.`,
  input: z.object({}).strict(),
  output: z.object({}).strict(),
  run: async (ctx) => ctx.again(PARK_MS),
});

export const parkRunner = defineRunner({
  name: 'runner',
  version: '0.0.0',
  description: 'Built-in tasks and bench.park',
  tasks: [...builtinTasks, parkTask],
});
