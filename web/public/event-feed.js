// @ts-check
/**
 * A request's events, live: `GET /v1/requests/:id/events` read as Server-Sent Events over fetch.
 * The browser's EventSource cannot send an Authorization header, so the frames are parsed by
 * sse-parser.js.
 * A dropped stream is opened again after `Last-Event-ID`, the last stored event seen, until the
 * gateway sends `end` or the caller aborts.
 */

import { ApiError, gatewayUrl, refusal } from './api.js';
import { sseParser } from './sse-parser.js';

/** @typedef {import('./sse-parser.js').SseFrame} SseFrame */

/** How long to wait before opening a dropped stream again (ms). */
const REOPEN_MS = 1_000;

/**
 * Follows a request's events until it ends or `signal` aborts. `onFrame` gets every frame, the
 * final `end` one included; `onTrouble` hears why the stream dropped before it is opened again.
 * Resolves when the request has ended or the caller aborted; a refusal (401, 403, 404) rejects
 * with an ApiError.
 * @param {string} token
 * @param {string} requestId
 * @param {{ signal: AbortSignal, onFrame: (frame: SseFrame) => void, onTrouble?: (why: string) => void }} how
 */
export async function followEvents(token, requestId, { signal, onFrame, onTrouble }) {
  /** @type {string | undefined} */
  let lastId;
  while (!signal.aborted) {
    /** @type {Record<string, string>} */
    const headers = { authorization: `Bearer ${token}`, accept: 'text/event-stream' };
    if (lastId) headers['last-event-id'] = lastId;
    try {
      const res = await fetch(gatewayUrl(`/v1/requests/${encodeURIComponent(requestId)}/events`), {
        headers,
        signal,
      });
      if (res.status >= 400 && res.status < 500) throw await refusal(res, token);
      if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
      const parser = sseParser();
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        for (const frame of parser.push(value)) {
          if (frame.id) lastId = frame.id;
          onFrame(frame);
          if (frame.event === 'end') return;
        }
      }
      onTrouble?.('the event stream closed');
    } catch (err) {
      if (signal.aborted) return;
      if (err instanceof ApiError) throw err;
      onTrouble?.(err instanceof Error ? err.message : String(err));
    }
    await new Promise((resolve) => setTimeout(resolve, REOPEN_MS));
  }
}
