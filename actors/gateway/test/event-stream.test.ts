import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import type { EventRecord } from '@oo/read-model';
import { describe, expect, it } from 'vitest';
import type { EventHub, LiveEvent, Watcher } from '../src/event-hub.js';
import { type Follow, follow, streamEvents } from '../src/event-stream.js';
import { parseSse } from './fixtures/http.js';

/** A hub whose events the test emits by hand. */
function handHub() {
  const watchers = new Set<Watcher>();
  const hub: EventHub = {
    watch(_requestId, watcher) {
      watchers.add(watcher);
      return () => watchers.delete(watcher);
    },
    get watching() {
      return watchers.size;
    },
  };
  const emit = (event: LiveEvent) => {
    for (const watcher of watchers) watcher(event);
  };
  return { hub, emit, watchers };
}

/** Just enough of a ServerResponse to collect what a stream writes. */
class Collected extends EventEmitter {
  text = '';
  status = 0;
  destroyed = false;
  writableEnded = false;
  writeHead(status: number) {
    this.status = status;
    return this;
  }
  write(chunk: string) {
    this.text += chunk;
    return true;
  }
  end() {
    this.writableEnded = true;
    this.emit('close');
    return this;
  }
}

const at = '2025-01-01T00:00:00.000Z';
const requestId = 'req_1';
const accepted = { requestId, traceId: 't', status: 'accepted', submittedBy: 'alice', at };
const running = { runId: 'run_1', template: 'vm', version: 1, status: 'running', requestId, at };
const succeeded = { ...accepted, status: 'succeeded' };

const stored = (seq: number, subject: string, body: Record<string, unknown>): EventRecord => ({
  seq,
  subject,
  requestId,
  runId: (body.runId as string | undefined) ?? null,
  at,
  body,
});
const live = (kind: LiveEvent['kind'], subject: string, body: Record<string, unknown>): LiveEvent => ({
  kind,
  subject,
  requestId,
  runId: (body.runId as string | undefined) ?? null,
  at,
  body,
});

/** Streams the request onto `res`, its history from `history`; resolves when the stream closed. */
function streamOnto(
  res: Collected,
  watch: Follow,
  history: (after: number) => Promise<EventRecord[]>,
  status: string,
): Promise<void> {
  return new Promise<void>((resolve) => {
    streamEvents(res as unknown as ServerResponse, {
      readModel: { requestEvents: (_id, after = 0) => history(after) },
      follow: watch,
      requestId,
      afterSeq: 0,
      status,
      heartbeatMs: 60_000,
      log: { error: () => undefined },
      onClose: resolve,
    });
  });
}

describe('event stream - history and live', () => {
  it('sends an event that arrives live while the history is read once, and the ones after it', async () => {
    const { hub, emit } = handHub();
    const watch = follow(hub, requestId);
    let readHistory!: (records: EventRecord[]) => void;
    const history = new Promise<EventRecord[]>((resolve) => {
      readHistory = resolve;
    });
    const res = new Collected();
    const closed = streamOnto(res, watch, () => history, 'accepted');
    // Published (and folded by the ledger) while the gateway reads the history: it is in both.
    emit(live('run', 'oo.evt.run.running', running));
    readHistory([stored(1, 'oo.evt.request.accepted', accepted), stored(2, 'oo.evt.run.running', running)]);
    await new Promise((resolve) => setImmediate(resolve));
    emit(live('request', 'oo.evt.request.succeeded', succeeded));
    await closed;

    const frames = parseSse(res.text);
    expect(frames.map((f) => [f.id, f.event, f.data.body?.status ?? f.data.status])).toEqual([
      ['1', 'request', 'accepted'],
      ['2', 'run', 'running'],
      [undefined, 'request', 'succeeded'],
      [undefined, 'end', 'succeeded'],
    ]);
    expect(res.writableEnded).toBe(true);
  });

  it("does not send a task's scheduled that came after the task ran or ended", async () => {
    const { hub, emit } = handHub();
    const task = (key: string, status: string) => ({
      runId: 'run_1',
      taskKey: key,
      type: 'noop',
      status,
      attempt: 1,
      requestId,
      at,
    });
    const res = new Collected();
    // The runner's end of `a` was stored before the engine's `scheduled` of it.
    const history = [
      stored(1, 'oo.evt.request.accepted', accepted),
      stored(2, 'oo.evt.task.succeeded', task('a', 'succeeded')),
      stored(3, 'oo.evt.task.scheduled', task('a', 'scheduled')),
      stored(4, 'oo.evt.task.scheduled', task('b', 'scheduled')),
    ];
    const closed = streamOnto(
      res,
      follow(hub, requestId),
      async (after) => (after > 0 ? [] : history),
      'running',
    );
    await new Promise((resolve) => setImmediate(resolve));
    emit(live('task', 'oo.evt.task.running', task('c', 'running')));
    emit(live('task', 'oo.evt.task.scheduled', task('c', 'scheduled')));
    emit(live('task', 'oo.evt.task.succeeded', task('b', 'succeeded')));
    emit(live('request', 'oo.evt.request.succeeded', succeeded));
    await closed;

    const frames = parseSse(res.text).filter((f) => f.event === 'task');
    expect(frames.map((f) => `${f.data.body.taskKey} ${f.data.body.status}`)).toEqual([
      'a succeeded',
      'b scheduled',
      'c running',
      'b succeeded',
    ]);
  });

  it('stops watching when the client goes away', async () => {
    const { hub, watchers } = handHub();
    const res = new Collected();
    void streamOnto(res, follow(hub, requestId), async () => [], 'running');
    expect(watchers.size).toBe(1);
    res.destroyed = true;
    res.emit('close');
    expect(watchers.size).toBe(0);
  });
});
