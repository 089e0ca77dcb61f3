import { headers as natsHeaders } from '@nats-io/transport-node';
import { OoError } from '@oo/contracts';
import { describe, expect, it } from 'vitest';
import { OutgoingHeaders } from '../src/outgoing-headers.js';

describe('runtime - headers of published messages', () => {
  it('encodes what nats.js encodes for the same headers, Nats-Msg-Id set by the client included', () => {
    const ours = new OutgoingHeaders();
    const theirs = natsHeaders();
    const pairs: Array<[string, string]> = [
      ['oo-schema', 'oo.task.noop@1'],
      ['oo-run-id', ' run_1 '],
      ['oo-request-id', 'req_é✓'],
    ];
    for (const [k, v] of pairs) {
      ours.put(k, v);
      theirs.append(k, v);
    }
    ours.set('Nats-Msg-Id', 'run_1.a.1');
    theirs.set('Nats-Msg-Id', 'run_1.a.1');
    const encoded = (h: unknown) => Buffer.from((h as { encode(): Uint8Array }).encode()).toString('utf8');
    expect(encoded(ours)).toBe(encoded(theirs));
    expect(ours.get('oo-run-id')).toBe('run_1');
  });

  it('refuses a value with CR or LF, which would forge headers of its own', () => {
    const h = new OutgoingHeaders();
    for (const hostile of ['req\r\noo-principal: forged', 'a\nb', 'a\rb']) {
      expect(() => h.put('oo-request-id', hostile)).toThrow(OoError);
    }
    expect(() => h.put('oo-request-id', 'req\r\nx')).toThrow(/header oo-request-id cannot hold CR or LF/);
    expect(h.keys()).toEqual([]);
  });
});
