/**
 * A task parked with `ctx.again` whose nak never reached the server: the nats-server was killed
 * after the runner saved where the message is parked and before the nak went out. Restarted, the
 * server sends the message again once the ack wait is over, long before the wait ends. The runner
 * parks it again for the rest of its wait rather than look early: after such a restart, every task
 * parked in that moment would otherwise poll AWX or TFE at once.
 */
import { defineActor, defineRunner, defineTask, type Interceptor } from '@oo/runtime';
import { freshName, waitFor } from '@oo/test-harness';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { z } from 'zod';
import { startTestbed, type Testbed } from './fixtures/task-testbed.js';

let bed: Testbed;
beforeAll(async () => {
  bed = await startTestbed();
});
afterAll(() => bed?.stop());

const WAIT_MS = 4_000;

it('keeps a parked task parked until its time when the server lost the delay', async () => {
  const type = `${freshName('t')}.parked`;
  const looks: number[] = [];
  let killed = false;
  /** Kills the server once the handler has parked the task (its state saved), before the nak is sent. */
  const killBeforeTheNak: Interceptor = async (_ctx, _body, next) => {
    const result = await next();
    if (result?.again && !killed) {
      killed = true;
      await bed.nats.kill();
      await bed.nats.restart();
    }
    return result;
  };
  const runner = defineRunner({
    name: freshName('runner-'),
    version: '1.0.0',
    // A short ack wait: the message comes back 1 s after the restart, well before its wait ends.
    ackWaitMs: 1_000,
    tasks: [
      defineTask({
        type,
        input: z.object({}),
        output: z.object({ looks: z.number() }),
        async run(ctx) {
          looks.push(Date.now());
          return looks.length === 1 ? ctx.again(WAIT_MS) : { looks: looks.length };
        },
      }),
    ],
  });
  await bed.start(defineActor({ ...runner, interceptors: [killBeforeTheNak] }));
  const runId = await bed.dispatch(type, {});
  await waitFor(() => killed, { what: 'the server killed and restarted with the task parked' });
  const [report] = await bed.reports.waitFor(runId, 1, 30_000);
  expect(report).toMatchObject({ outcome: 'succeeded', output: { looks: 2 } });
  expect(looks).toHaveLength(2);
  expect(looks[1]! - looks[0]!).toBeGreaterThanOrEqual(WAIT_MS);
}, 60_000);
