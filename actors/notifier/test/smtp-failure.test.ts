import { describe, expect, it } from 'vitest';
import { classifySmtpFailure } from '../src/smtp-mailer.js';

describe('notifier - SMTP failures', () => {
  it('treats a permanent refusal of every recipient as terminal', () => {
    const error = classifySmtpFailure({
      code: 'EENVELOPE',
      command: 'RCPT TO',
      responseCode: 550,
      response: '550 mailbox unavailable',
      rejected: ['nobody@example.com'],
    });
    expect(error).toMatchObject({ code: 'OO_ERR_NOTIFY_RECIPIENT_REFUSED', retryable: false });
    expect(error.details?.rejected).toEqual(['nobody@example.com']);
  });

  it('retries a temporary refusal of the recipients (greylisting)', () => {
    const error = classifySmtpFailure({ code: 'EENVELOPE', command: 'RCPT TO', responseCode: 451 });
    expect(error).toMatchObject({ code: 'OO_ERR_NOTIFY_SMTP_UNAVAILABLE', retryable: true });
  });

  it('retries a refused connection', () => {
    const error = classifySmtpFailure(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ESOCKET' }));
    expect(error).toMatchObject({ code: 'OO_ERR_NOTIFY_SMTP_UNAVAILABLE', retryable: true });
    expect(error.details).toEqual({ code: 'ESOCKET' });
  });
});
