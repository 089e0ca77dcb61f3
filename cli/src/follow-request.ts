/**
 * Follows a request to its end over the gateway's event stream (`GET /v1/requests/:id/events`):
 * the events so far, then live ones, until its `end` frame. Each request, run and task change is
 * told as one line; a dropped stream is opened again after the last event seen (`Last-Event-ID`),
 * so a gateway restart or a proxy's timeout does not lose the end.
 */
import { type ErrorData, OoError, taskEventOrder } from '@oo/contracts';
import {
  type RunLineEvent,
  requestLine,
  runLine,
  runTree,
  type TaskLineEvent,
  taskLine,
} from './event-lines.js';
import type { GatewayClient, SseFrame } from './gateway-client.js';

/** A request's path on the gateway, `rest` after it (`/events`, `/cancel`). */
export const requestPath = (requestId: string, rest = '') =>
  `/v1/requests/${encodeURIComponent(requestId)}${rest}`;

const RECONNECTS = 10;
const RECONNECT_DELAY_MS = 1_000;

interface EventFrame {
  runId?: string | null;
  at?: string;
  body?: Record<string, unknown>;
}

/**
 * A request's frames as lines (event-lines.ts), each child run and its tasks indented under the run
 * that started it; undefined for a frame worth no line (not a request, run or task change, or not
 * one the line can be made of, or a task's late `scheduled`).
 */
export function progressLines(): (frame: SseFrame) => string | undefined {
  const tree = runTree();
  // The gateway drops a late `scheduled` within one stream; this also does across resumed ones.
  const taskOrder = taskEventOrder();
  return (frame) => {
    if (!['request', 'run', 'task'].includes(frame.event)) return undefined;
    let parsed: EventFrame;
    try {
      parsed = JSON.parse(frame.data) as EventFrame;
    } catch {
      return undefined;
    }
    const body: Record<string, unknown> = {
      runId: parsed.runId ?? undefined,
      ...parsed.body,
      at: parsed.at ?? parsed.body?.at,
    };
    if (typeof body.at !== 'string' || typeof body.status !== 'string') return undefined;
    if (frame.event === 'request')
      return requestLine(body.at, body.status, body.error as ErrorData | undefined);
    if (frame.event === 'run') {
      const run = body as unknown as RunLineEvent;
      if (typeof run.runId !== 'string' || typeof run.template !== 'string') return undefined;
      return runLine(run, tree.place(run) ?? 0);
    }
    const task = body as unknown as TaskLineEvent;
    if (typeof task.taskKey !== 'string' || typeof task.type !== 'string') return undefined;
    if (taskOrder.isLate({ runId: task.runId ?? '', taskKey: task.taskKey, status: task.status })) {
      return undefined;
    }
    return taskLine(task, (task.runId && tree.depthOf(task.runId)) || 0);
  };
}

/**
 * Resolves with the status the request ended in, telling each change to `tell`.
 * @throws OoError when the stream cannot be opened again after RECONNECTS tries, or `timeoutMs` passes
 */
export async function followRequest(
  gateway: GatewayClient,
  requestId: string,
  tell: (line: string) => void,
  timeoutMs: number,
): Promise<string> {
  const timeout = AbortSignal.timeout(timeoutMs);
  const path = requestPath(requestId, '/events');
  let lastId: string | undefined;
  let failures = 0;
  const progressLine = progressLines();
  for (;;) {
    let lost: unknown;
    try {
      for await (const frame of gateway.events(path, lastId, timeout)) {
        failures = 0;
        if (frame.id) lastId = frame.id;
        if (frame.event === 'end') return (JSON.parse(frame.data) as { status: string }).status;
        const line = progressLine(frame);
        if (line) tell(line);
      }
    } catch (err) {
      if (timeout.aborted) {
        throw new OoError('OO_ERR_TIMEOUT', `request ${requestId} did not end within ${timeoutMs / 1000} s`);
      }
      // A problem answer (unknown request, no right to it) will not change by asking again.
      if (err instanceof OoError && err.code !== 'OO_ERR_HTTP_UNREACHABLE') throw err;
      lost = err;
    }
    // The stream broke or ended without its end frame (the gateway stopped, a proxy cut it).
    if (++failures > RECONNECTS) {
      throw (
        lost ?? new OoError('OO_ERR_HTTP_UNREACHABLE', `the event stream of ${requestId} kept ending early`)
      );
    }
    await new Promise((resolve) => setTimeout(resolve, RECONNECT_DELAY_MS));
  }
}

/**
 * The request as the read model holds it once it shows `status`. The event stream hears the end
 * from the bus, and the ledger folds it into the read model a moment later: read at once, the
 * request may still say `running`. Read again, backing off, for up to `timeoutMs`; then the
 * last read is answered as it is.
 */
export async function readEnded<T extends { status: string }>(
  gateway: GatewayClient,
  requestId: string,
  status: string,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let delayMs = 50; ; delayMs = Math.min(delayMs * 2, 1_000)) {
    const view = await gateway.call<T>('GET', requestPath(requestId));
    if (view.status === status || Date.now() + delayMs > deadline) return view;
    await new Promise((resolve) => setTimeout(resolve, delayMs));
  }
}
