/**
 * BullMQ doing the diamond a -> (b, c) -> d -> e on the local Redis.
 *
 * BullMQ flows are trees: a parent job runs once all its children are done. A diamond is not a tree
 * (as one flow, `a` would be a child of both `b` and `c` and run twice), so the closest faithful
 * mapping is: `a` is a job of its own, and its processor, once its work is done, adds the flow
 * e <- d <- {b, c}: b and c run in parallel, d when both are done, e after d. Every task runs once and
 * only after its needs, as in OO. Job ids derive from the run, so a repeated `a` adds no second flow.
 * Redis keeps nothing on disk here, unlike OO's file-backed JetStream.
 */
import { randomBytes } from 'node:crypto';
import { within } from '@oo/test-harness';
import { FlowProducer, Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import type { DagRunner } from './dag-runner.js';

export interface BullmqOptions {
  host: string;
  port: number;
  /** Jobs the one worker runs at once. */
  concurrency: number;
}

interface RunData {
  run: string;
}

const QUEUE = 'diamond';
const RUN_TIMEOUT_MS = 120_000;

/** Deletes every key under the prefix. */
async function removeKeys(connection: { host: string; port: number }, prefix: string): Promise<void> {
  const redis = new Redis(connection);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1_000);
      if (keys.length > 0) await redis.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    await redis.quit();
  }
}

export async function startBullmqDiamond(options: BullmqOptions): Promise<DagRunner> {
  const connection = { host: options.host, port: options.port };
  // A fresh namespace per start, removed at stop.
  const prefix = `oo-bench-${randomBytes(4).toString('hex')}`;
  const queue = new Queue<RunData>(QUEUE, { connection, prefix });
  const flows = new FlowProducer({ connection, prefix });
  const finished = new Map<string, () => void>();
  let runs = 0;

  const node = (name: string, run: string) => ({
    name,
    queueName: QUEUE,
    data: { run } satisfies RunData,
    opts: { jobId: `${run}-${name}` },
  });
  const worker = new Worker<RunData>(
    QUEUE,
    async (job) => {
      if (job.name === 'a') {
        const { run } = job.data;
        await flows.add({
          ...node('e', run),
          children: [{ ...node('d', run), children: [node('b', run), node('c', run)] }],
        });
      }
      return {};
    },
    { connection, prefix, concurrency: options.concurrency },
  );
  worker.on('completed', (job) => {
    if (job.name === 'e') finished.get(job.data.run)?.();
  });
  await Promise.all([queue.waitUntilReady(), flows.waitUntilReady(), worker.waitUntilReady()]);

  return {
    async run() {
      const run = `r${++runs}`;
      const done = new Promise<void>((resolve) => finished.set(run, resolve));
      await queue.add('a', { run }, { jobId: `${run}-a` });
      try {
        await within(done, RUN_TIMEOUT_MS, `run ${run}`);
      } finally {
        finished.delete(run);
      }
    },
    async stop() {
      await worker.close();
      await flows.close();
      await queue.close();
      await removeKeys(connection, prefix);
    },
  };
}
