/**
 * The floor: the least a JetStream DAG engine has to do per task, by hand with the raw clients and
 * nothing else (no validation, tracing, events or task bookkeeping). The starter writes the run's
 * state to KV and publishes the first tasks; a worker consumes a task and publishes "done"; a
 * scheduler consumes "done", compare-and-sets the run's state in KV (re-reading on a lost race) and
 * publishes the tasks that became ready. File storage, like OO's own streams and buckets.
 */
import { AckPolicy, JetStreamApiCodes, JetStreamApiError, type JsMsg, StorageType } from '@nats-io/jetstream';
import { connectNats } from '@oo/runtime';
import { within } from '@oo/test-harness';
import type { DagRunner } from './dag-runner.js';

interface FloorState {
  done: string[];
  dispatched: string[];
}

interface TaskRef {
  run: string;
  task: string;
}

const TASK_SUBJECT = 'bench.floor.task';
const DONE_SUBJECT = 'bench.floor.done';
const RUN_TIMEOUT_MS = 120_000;
const encoder = new TextEncoder();
const decoder = new TextDecoder();
const encode = (value: unknown) => encoder.encode(JSON.stringify(value));
const decode = <T>(msg: JsMsg) => JSON.parse(decoder.decode(msg.data)) as T;

function isConflict(err: unknown): boolean {
  return err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamWrongLastSequence;
}

export async function startFloor(
  url: string,
  needs: ReadonlyMap<string, readonly string[]>,
): Promise<DagRunner> {
  const nats = await connectNats({ url }, 'bench-floor');
  const stream = (name: string, subject: string) =>
    nats.jsm.streams.add({ name, subjects: [subject], storage: StorageType.File });
  await stream('BENCH_FLOOR_TASK', TASK_SUBJECT);
  await stream('BENCH_FLOOR_DONE', DONE_SUBJECT);
  const kv = await nats.kvm.create('bench_floor_runs', { storage: StorageType.File, history: 1 });
  const consume = async (stream: string, durable: string) => {
    await nats.jsm.consumers.add(stream, {
      durable_name: durable,
      ack_policy: AckPolicy.Explicit,
      max_ack_pending: 10_000,
    });
    return (await nats.js.consumers.get(stream, durable)).consume({ max_messages: 256 });
  };
  const tasks = await consume('BENCH_FLOOR_TASK', 'worker');
  const dones = await consume('BENCH_FLOOR_DONE', 'scheduler');

  const all = [...needs.keys()];
  const roots = all.filter((t) => needs.get(t)!.length === 0);
  const finished = new Map<string, () => void>();
  let runs = 0;
  const publishTask = (run: string, task: string) =>
    nats.js.publish(TASK_SUBJECT, encode({ run, task } satisfies TaskRef), { msgID: `${run}.${task}` });

  const work = async (msg: JsMsg) => {
    const ref = decode<TaskRef>(msg);
    await nats.js.publish(DONE_SUBJECT, encode(ref), { msgID: `${ref.run}.${ref.task}.done` });
    msg.ack();
  };

  const schedule = async (msg: JsMsg) => {
    const { run, task } = decode<TaskRef>(msg);
    for (;;) {
      const entry = await kv.get(run);
      if (!entry) throw new Error(`floor: no state for ${run}`);
      const state = entry.json<FloorState>();
      if (state.done.includes(task)) break;
      state.done.push(task);
      const ready = all.filter(
        (t) => !state.dispatched.includes(t) && needs.get(t)!.every((n) => state.done.includes(n)),
      );
      state.dispatched.push(...ready);
      try {
        await kv.update(run, encode(state), entry.revision);
      } catch (err) {
        if (isConflict(err)) continue;
        throw err;
      }
      await Promise.all(ready.map((t) => publishTask(run, t)));
      if (state.done.length === all.length) finished.get(run)?.();
      break;
    }
    msg.ack();
  };

  const pump = async (messages: AsyncIterable<JsMsg>, handle: (msg: JsMsg) => Promise<void>) => {
    for await (const msg of messages) {
      handle(msg).catch(() => msg.nak(100));
    }
  };
  const pumps = [pump(tasks, work), pump(dones, schedule)];

  return {
    async run() {
      const run = `r${++runs}`;
      const done = new Promise<void>((resolve) => finished.set(run, resolve));
      await kv.create(run, encode({ done: [], dispatched: roots } satisfies FloorState));
      await Promise.all(roots.map((t) => publishTask(run, t)));
      try {
        await within(done, RUN_TIMEOUT_MS, `run ${run}`);
      } finally {
        finished.delete(run);
      }
    },
    async stop() {
      await tasks.close();
      await dones.close();
      await Promise.allSettled(pumps);
      await nats.nc.close();
    },
  };
}
