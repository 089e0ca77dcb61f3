import { AckPolicy, type JsMsg, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, headers as natsHeaders } from '@nats-io/transport-node';
import { freshName, type NatsServer, startNatsServer } from '@oo/test-harness';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliveryHeaders, headerValuesOf, parseHeaderBlock } from '../src/delivery-headers.js';

let server: NatsServer;
beforeAll(async () => {
  server = await startNatsServer();
});
afterAll(() => server.stop());

/** Header names NATS accepts: printable ASCII without colon or space. */
const headerName = fc.stringMatching(/^[!-9;-~]{1,12}$/);
/** Values without CR or LF (which headers cannot hold), any other character, spaces at either end included. */
const headerValue = fc.string({ unit: 'grapheme', maxLength: 20 }).filter((v) => !/[\r\n]/.test(v));
const headerSet = fc.array(fc.tuple(headerName, headerValue), { minLength: 1, maxLength: 9 });

describe('runtime - reading a delivery’s headers', () => {
  it('reads exactly what the client reads, for random headers relayed by a real server', async () => {
    const nc = await connect({ servers: server.url });
    const stream = `HDR_${freshName()}`;
    const subject = `hdr.${freshName()}`;
    await (await jetstreamManager(nc)).streams.add({ name: stream, subjects: [subject] });
    await (await jetstreamManager(nc)).consumers.add(stream, {
      durable_name: 'c',
      ack_policy: AckPolicy.None,
    });
    const samples = fc.sample(headerSet, { numRuns: 300, seed: 20261126 });
    const js = jetstream(nc);
    for (const set of samples) {
      const h = natsHeaders();
      for (const [k, v] of set) h.append(k, v);
      await js.publish(subject, 'x', { headers: h });
    }
    const messages = await (await js.consumers.get(stream, 'c')).fetch({ max_messages: samples.length });
    const read: JsMsg[] = [];
    for await (const m of messages) read.push(m);
    expect(read).toHaveLength(samples.length);
    for (const m of read) {
      const fast = deliveryHeaders(m);
      // Read from the raw block: the client has not decoded its own MsgHdrs yet.
      expect((m as unknown as { msg: { _headers?: unknown } }).msg._headers).toBeUndefined();
      expect(Object.fromEntries(fast)).toEqual(Object.fromEntries(headerValuesOf(m.headers)));
    }
    await nc.close();
  });

  it('takes the raw header block when the client keeps one, and the client’s reader when not', async () => {
    const h = natsHeaders();
    h.append('oo-run-id', 'run_1');
    h.append('oo-run-id', 'second');
    h.append('traceparent', ' 00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01 ');
    const block = new TextEncoder().encode(
      'NATS/1.0\r\noo-run-id: run_1\r\noo-run-id: second\r\ntraceparent:  00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01 \r\n\r\n',
    );
    const expected = {
      'oo-run-id': 'run_1',
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    };
    expect(Object.fromEntries(parseHeaderBlock(block) ?? [])).toEqual(expected);
    // A status line (as on server notices) and a block that is not one.
    expect(
      Object.fromEntries(parseHeaderBlock(new TextEncoder().encode('NATS/1.0 503\r\n\r\n')) ?? []),
    ).toEqual({});
    expect(parseHeaderBlock(new TextEncoder().encode('HTTP/1.1 200\r\n\r\n'))).toBeUndefined();
    // Without the client's internals (another client version) the public reader answers.
    const opaque = { headers: h } as unknown as JsMsg;
    expect(Object.fromEntries(deliveryHeaders(opaque))).toEqual(expected);
  });
});
