import { describe, expect, it } from 'vitest';
import { dropFileName, mailOf } from '../src/mail-message.js';
import { notice } from './fixtures/notice.js';

describe('notifier - mail of a notice', () => {
  it('carries request id, trace id and kind in X-OO headers', () => {
    expect(mailOf(notice, 'oo@example.com').headers).toEqual({
      'X-OO-Request-Id': 'req_mail1',
      'X-OO-Trace-Id': '4bf92f3577b34da6a3ce929d0e0e4736',
      'X-OO-Notice': 'accepted',
    });
  });

  it('derives the Message-ID from request id and kind, in the sender domain', () => {
    expect(mailOf(notice, 'oo@mail.example.org').messageId).toBe('<req_mail1.accepted@mail.example.org>');
  });

  it('names the drop file by request id and kind', () => {
    expect(dropFileName(notice)).toBe('req_mail1.accepted.eml');
  });
});
