/**
 * One request's events as Server-Sent Events: the stored history (from the read model), then live
 * events (from NATS), ending after the request's terminal event.
 *
 * Ordering without loss: the live watch starts BEFORE the request is looked up, and live events are
 * buffered while the history is read and sent; the buffer is then sent, skipping events the history
 * held, and the stream goes live. An event is the same event when its subject and body are equal.
 *
 * Frames: `event: request|run|task`, `data: {seq, subject, requestId, runId, at, body}`. Stored
 * events carry `id: <stream sequence>`, so `Last-Event-ID` resumes after them. Live events have no
 * sequence (core NATS delivery carries none) and so no `id`: a client resuming may see them again,
 * now from the history, with their `seq` — delivery is at least once. The end is
 * `event: end`, `data: {requestId, status}`. Comments (`: keep-alive`) every heartbeat.
 * A task's `scheduled` that reaches the stream after the task ran or ended is not sent: it is late
 * (contracts' late-scheduled.ts), and would show the task going back. A stream resumed with
 * `Last-Event-ID` knows only what it sends, so it can still pass one on whose task ended before.
 */
import type { ServerResponse } from 'node:http';
import { type RequestStatus, type TaskEventOrder, taskEventOrder } from '@oo/contracts';
import type { EventRecord, ReadModel } from '@oo/read-model';
import type { Logger } from 'pino';
import type { EventHub, EventKind, LiveEvent } from './event-hub.js';
import { canonicalJson } from './idempotency.js';

const TERMINAL: ReadonlySet<string> = new Set<RequestStatus>([
  'succeeded',
  'failed',
  'cancelled',
  'rejected',
]);
const HISTORY_PAGE = 1_000;

export const EVENT_STREAM = 'text/event-stream; charset=utf-8';

export function isTerminal(status: string): boolean {
  return TERMINAL.has(status);
}

/** A live watch that buffers until the stream is ready for live events. */
export interface Follow {
  /** The first live request event, or undefined after `timeoutMs` (the request may not exist). */
  firstRequestEvent(timeoutMs: number): Promise<LiveEvent | undefined>;
  /** Hands over the buffer; from now on events go to `sink`. */
  goLive(sink: (event: LiveEvent) => void): LiveEvent[];
  close(): void;
}

export function follow(hub: EventHub, requestId: string): Follow {
  const buffer: LiveEvent[] = [];
  let sink: ((event: LiveEvent) => void) | undefined;
  let onRequestEvent: ((event: LiveEvent) => void) | undefined;
  const unwatch = hub.watch(requestId, (event) => {
    if (event.kind === 'request') onRequestEvent?.(event);
    if (sink) sink(event);
    else buffer.push(event);
  });
  return {
    firstRequestEvent(timeoutMs) {
      const seen = buffer.find((e) => e.kind === 'request');
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          onRequestEvent = undefined;
          resolve(undefined);
        }, timeoutMs);
        timer.unref();
        onRequestEvent = (event) => {
          clearTimeout(timer);
          onRequestEvent = undefined;
          resolve(event);
        };
      });
    },
    goLive(to) {
      sink = to;
      return buffer.splice(0);
    },
    close: unwatch,
  };
}

function kindOf(subject: string): EventKind {
  const kind = subject.split('.')[2];
  return kind === 'run' || kind === 'task' ? kind : 'request';
}

interface Frame {
  readonly seq: number | null;
  readonly kind: EventKind;
  readonly subject: string;
  readonly requestId: string | null;
  readonly runId: string | null;
  readonly at: string;
  readonly body: Record<string, unknown>;
}

export interface StreamEventsOptions {
  readonly readModel: Pick<ReadModel, 'requestEvents'>;
  readonly follow: Follow;
  readonly requestId: string;
  /** Resume after this stored sequence (Last-Event-ID); 0 for everything. */
  readonly afterSeq: number;
  /** The request's status when the stream opened: a terminal one ends the stream after the history. */
  readonly status: string;
  readonly heartbeatMs: number;
  readonly log: Pick<Logger, 'error'>;
  /** Called once when the stream is over (ended by us, by the client, or by an error). */
  readonly onClose: () => void;
}

export interface EventStream {
  /** Ends the stream now (the gateway is stopping). */
  close(): void;
}

/** A task event's `scheduled` that came after the task moved on (see late-scheduled.ts). */
function isLateScheduled(order: TaskEventOrder, body: Record<string, unknown>): boolean {
  const { runId, taskKey, status } = body;
  return (
    typeof runId === 'string' &&
    typeof taskKey === 'string' &&
    typeof status === 'string' &&
    order.isLate({ runId, taskKey, status })
  );
}

/** Writes the stream onto `res`, whose headers are not sent yet. */
export function streamEvents(res: ServerResponse, options: StreamEventsOptions): EventStream {
  const { follow: live, requestId, log } = options;
  const seen = new Set<string>();
  const taskOrder = taskEventOrder();
  let closed = false;
  let heartbeat: NodeJS.Timeout | undefined;

  const close = () => {
    if (closed) return;
    closed = true;
    if (heartbeat) clearInterval(heartbeat);
    live.close();
    if (!res.writableEnded) res.end();
    options.onClose();
  };
  const write = (text: string) => {
    if (!closed && !res.destroyed) res.write(text);
  };
  const finish = (status: string) => {
    write(`event: end\ndata: ${JSON.stringify({ requestId, status })}\n\n`);
    close();
  };
  const send = (frame: Frame) => {
    if (closed) return;
    const key = `${frame.subject}\n${canonicalJson(frame.body)}`;
    if (seen.has(key)) return;
    seen.add(key);
    if (frame.kind === 'task' && isLateScheduled(taskOrder, frame.body)) return;
    const id = frame.seq === null ? '' : `id: ${frame.seq}\n`;
    write(`${id}event: ${frame.kind}\ndata: ${JSON.stringify(frame)}\n\n`);
    const status = frame.body.status;
    if (frame.kind === 'request' && typeof status === 'string' && isTerminal(status)) finish(status);
  };
  const fromRecord = (r: EventRecord): Frame => ({ ...r, kind: kindOf(r.subject) });
  const fromLive = (e: LiveEvent): Frame => ({ seq: null, ...e });

  res.on('close', close);
  res.writeHead(200, {
    'content-type': EVENT_STREAM,
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    // Proxies such as nginx must pass each event on at once.
    'x-accel-buffering': 'no',
  });
  write('retry: 2000\n\n');

  void (async () => {
    let after = options.afterSeq;
    for (;;) {
      const page = await options.readModel.requestEvents(requestId, after, HISTORY_PAGE);
      for (const record of page) {
        send(fromRecord(record));
        after = record.seq;
      }
      if (closed || page.length < HISTORY_PAGE) break;
    }
    for (const event of live.goLive((event) => send(fromLive(event)))) send(fromLive(event));
    if (closed) return;
    if (isTerminal(options.status)) return finish(options.status);
    heartbeat = setInterval(() => write(': keep-alive\n\n'), options.heartbeatMs);
    heartbeat.unref();
  })().catch((err: unknown) => {
    log.error({ err, requestId }, 'event stream failed');
    write(
      `event: error\ndata: ${JSON.stringify({ message: 'the event stream failed; reconnect to resume' })}\n\n`,
    );
    close();
  });

  return { close };
}
