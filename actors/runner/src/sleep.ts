/**
 * `sleep`: waits `ms` without holding a timer or memory: the wake-up time is stored in the task's
 * variables and the message is parked with `ctx.again` until then, so a sleep survives restarts and
 * thousands of sleeping tasks cost nothing but parked messages.
 */
import { defineTask } from '@oo/runtime';
import { z } from 'zod';

/**
 * Up to 6 days: a task message lives at most 7 days in the OO_TASK stream (its max age counts from
 * publishing, parked or not), so a longer sleep would lose its message.
 */
const MAX_SLEEP_MS = 6 * 86_400_000;

export const SleepInput = z.object({ ms: z.number().int().min(0).max(MAX_SLEEP_MS) }).strict();

export const sleep = defineTask({
  type: 'sleep',
  description: 'Waits `ms` milliseconds, parked in JetStream rather than on a timer.',
  input: SleepInput,
  output: z.object({ sleptMs: z.number().int(), wokeAt: z.string() }),
  vars: z.object({ wakeAt: z.number() }),
  async run(ctx, input) {
    let wakeAt = ctx.vars.get('wakeAt');
    if (wakeAt === undefined) {
      wakeAt = ctx.clock.now() + input.ms;
      await ctx.vars.set('wakeAt', wakeAt);
    }
    const left = wakeAt - ctx.clock.now();
    if (left > 0) return ctx.again(left);
    return { sleptMs: input.ms, wokeAt: ctx.clock.iso() };
  },
});
