/**
 * A delivery's headers as a map (first value of each key), read once per delivery.
 *
 * The client's own reader (`msg.headers`) builds a MsgHdrs by appending each line, and each append
 * canonicalises the key, lists and filters the keys seen so far and runs a regex on the value: for
 * the 8 headers of an engine message, 7.3 µs against 1.8 µs for one pass over the text (measured
 * here, on fetched deliveries). When the message still holds its raw header block (nats.js v3 keeps
 * it in `msg._rdata` up to `msg._msg.hdr`), that pass is used; when it does not (another client
 * version), the public reader is. The two agree on the blocks a NATS server relays
 * (delivery-headers.test.ts: random names and values through a real server).
 */
import type { JsMsg } from '@nats-io/jetstream';
import type { MsgHdrs } from '@nats-io/transport-node';

export type HeaderValues = ReadonlyMap<string, string>;

const HEADER_LINE = 'NATS/1.0';

interface RawMsg {
  _rdata?: unknown;
  _msg?: { hdr?: unknown };
}

/** The header block of a delivery as the server sent it, or undefined where the client hides it. */
function rawHeaderBlock(msg: JsMsg): Uint8Array | undefined {
  const inner = (msg as unknown as { msg?: RawMsg }).msg;
  const data = inner?._rdata;
  const length = inner?._msg?.hdr;
  if (!(data instanceof Uint8Array) || typeof length !== 'number' || length <= 0 || length > data.length) {
    return undefined;
  }
  return data.subarray(0, length);
}

/** `NATS/1.0[ status]\r\nKey: value\r\n…\r\n\r\n` -> first value of each key, trimmed, as the client reads it. */
export function parseHeaderBlock(block: Uint8Array): HeaderValues | undefined {
  const text = Buffer.from(block.buffer, block.byteOffset, block.byteLength).toString('utf8');
  if (!text.startsWith(HEADER_LINE)) return undefined;
  const values = new Map<string, string>();
  let start = text.indexOf('\r\n');
  while (start >= 0) {
    start += 2;
    const end = text.indexOf('\r\n', start);
    const line = end < 0 ? text.slice(start) : text.slice(start, end);
    const colon = line.indexOf(':');
    if (colon >= 0) {
      const key = line.slice(0, colon);
      if (!values.has(key)) values.set(key, line.slice(colon + 1).trim());
    }
    start = end;
  }
  return values;
}

/** Read through the client's MsgHdrs (the fallback, and what the fast path must agree with). */
export function headerValuesOf(headers: MsgHdrs | undefined): HeaderValues {
  const values = new Map<string, string>();
  if (headers) for (const [key, all] of headers) if (all[0] !== undefined) values.set(key, all[0]);
  return values;
}

export function deliveryHeaders(msg: JsMsg): HeaderValues {
  const block = rawHeaderBlock(msg);
  return (block && parseHeaderBlock(block)) ?? headerValuesOf(msg.headers);
}
