import { idSchema } from '@oo/contracts';
import { describe, expect, it } from 'vitest';
import { requestIdOf } from '../src/request-ids.js';

const delivery = {
  requestId: undefined,
  subject: 'oo.cmd.requests.submit',
  streamSeq: 42,
  publishedAt: '2025-03-01T10:00:00.000Z',
};

describe('requests - request ids', () => {
  it('takes the request id the gateway assigned', () => {
    expect(requestIdOf({ ...delivery, requestId: 'req_FROMGATEWAY' })).toBe('req_FROMGATEWAY');
  });

  it('derives the same req_ id for every delivery of one message', () => {
    const id = requestIdOf(delivery);
    expect(idSchema('req').safeParse(id).success).toBe(true);
    expect(requestIdOf({ ...delivery })).toBe(id);
  });

  it('derives different ids for different messages', () => {
    expect(requestIdOf(delivery)).not.toBe(requestIdOf({ ...delivery, streamSeq: 43 }));
  });

  it('refuses a header id that could escape a key or a file name', () => {
    expect(() => requestIdOf({ ...delivery, requestId: '../etc/passwd' })).toThrow(/oo-request-id/);
  });
});
