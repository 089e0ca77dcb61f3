/**
 * `oo templates run --wait` follows a run over the OO_EVT stream. The engine's `scheduled` of a
 * task and the runner's events of it reach that stream in either order on a loaded server: a
 * `scheduled` stored after the task's end is not told as a line of its own.
 */
import { type RunEvent, runEventSubject, type TaskEvent, taskEventSubject } from '@oo/contracts';
import { connectNats, type Nats, provisionAll } from '@oo/runtime';
import { type NatsServer, startNatsServer } from '@oo/test-harness';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { followRun } from '../src/follow-run.js';

let server: NatsServer;
let nats: Nats;
beforeAll(async () => {
  server = await startNatsServer();
  nats = await connectNats({ url: server.url }, 'follow-run-test');
  await provisionAll(nats);
});
afterAll(async () => {
  await nats?.nc.close();
  await server?.stop();
});

const at = '2026-01-01T00:00:01.000Z';
const runId = 'run_follow1';

async function publishRun(status: RunEvent['status']) {
  const event: RunEvent = { runId, template: 'diamond', version: 1, status, at };
  await nats.js.publish(runEventSubject(status).name, JSON.stringify(event));
}

async function publishTask(taskKey: string, status: TaskEvent['status']) {
  const event: TaskEvent = { runId, taskKey, type: 'noop', status, attempt: 1, at };
  await nats.js.publish(taskEventSubject(status).name, JSON.stringify(event));
}

it("tells a task's late scheduled as no line, and every other change in the order stored", async () => {
  const lines: string[] = [];
  const follower = await followRun(nats, runId, (line) => lines.push(line));
  try {
    await publishRun('running');
    await publishTask('a', 'succeeded');
    await publishTask('a', 'scheduled');
    await publishTask('b', 'scheduled');
    await publishTask('b', 'running');
    await publishTask('b', 'succeeded');
    await publishRun('succeeded');
    expect((await follower.ended).status).toBe('succeeded');
  } finally {
    follower.stop();
  }
  expect(lines.map((line) => line.slice(9))).toEqual([
    `run ${runId} diamond@1 running`,
    'task a noop succeeded',
    'task b noop scheduled',
    'task b noop running',
    'task b noop succeeded',
    `run ${runId} diamond@1 succeeded`,
  ]);
});
