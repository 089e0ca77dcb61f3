import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitFor } from '@oo/test-harness';
import { afterEach, describe, expect, it } from 'vitest';
import { notice } from './fixtures/notice.js';
import { type NotifierBus, startNotifierBus } from './fixtures/notifier-bus.js';
import { type SmtpPeer, startSmtpPeer } from './fixtures/smtp-peer.js';

let bus: NotifierBus | undefined;
let peer: SmtpPeer | undefined;
let dropDir: string | undefined;
afterEach(async () => {
  await bus?.stop();
  await peer?.close();
  if (dropDir) rmSync(dropDir, { recursive: true, force: true });
  bus = peer = dropDir = undefined;
});

const fastRetry = { maxAttempts: 30, backoffMs: [200] };

function newDropDir(): string {
  dropDir = mkdtempSync(join(tmpdir(), 'oo-drop-'));
  return dropDir;
}

describe('notifier - e-mail notices', () => {
  it('delivers a notice to the SMTP server with the request id and trace id in it', async () => {
    peer = await startSmtpPeer();
    bus = await startNotifierBus({ smtp: { host: '127.0.0.1', port: peer.port }, dropDir: newDropDir() });
    await bus.send(notice);
    const [mail] = await peer.waitFor(1);
    expect(mail?.from).toBe('oo@example.com');
    expect(mail?.to).toEqual(['alice@example.com']);
    expect(mail?.raw).toMatch(/^X-OO-Request-Id: req_mail1$/im);
    expect(mail?.raw).toMatch(/^X-OO-Trace-Id: 4bf92f3577b34da6a3ce929d0e0e4736$/im);
    expect(mail?.raw).toMatch(/^Subject: OO request req_mail1 accepted/m);
    expect(mail?.raw).toMatch(/^Message-ID: <req_mail1\.accepted@example\.com>$/im);
  });

  it('writes the notice as an .eml file named by request id and kind when no SMTP is configured', async () => {
    bus = await startNotifierBus({ dropDir: newDropDir() });
    await bus.send(notice);
    const file = join(dropDir ?? '', 'req_mail1.accepted.eml');
    await waitFor(() => existsSync(file), { what: 'the .eml file' });
    const eml = readFileSync(file, 'utf8');
    expect(eml).toMatch(/^To: alice@example.com$/m);
    expect(eml).toMatch(/^X-OO-Trace-Id: 4bf92f3577b34da6a3ce929d0e0e4736$/im);
    expect(eml).toContain('Request ID: req_mail1');
    expect(readdirSync(dropDir ?? '')).toEqual(['req_mail1.accepted.eml']);
  });

  it('logs where a dropped notice was written', async () => {
    bus = await startNotifierBus({ dropDir: newDropDir() });
    await bus.send(notice);
    const line = await bus.logLine(/^notice dropped at /);
    expect(line.result).toBe(join(dropDir ?? '', 'req_mail1.accepted.eml'));
  });

  it('retries while the SMTP server is down and delivers once it is up', async () => {
    const port = await freePort();
    bus = await startNotifierBus({
      smtp: { host: '127.0.0.1', port },
      dropDir: newDropDir(),
      retry: fastRetry,
    });
    await bus.send(notice);
    const retrying = await bus.logLine(/will retry/);
    expect((retrying.err as { code: string }).code).toBe('OO_ERR_NOTIFY_SMTP_UNAVAILABLE');
    peer = await startSmtpPeer({ port });
    const [mail] = await peer.waitFor(1);
    expect(mail?.raw).toMatch(/^X-OO-Request-Id: req_mail1$/im);
  });

  it('dead-letters a notice whose every recipient the SMTP server refuses', async () => {
    peer = await startSmtpPeer({ refuse: ['nobody@example.com'] });
    bus = await startNotifierBus({
      smtp: { host: '127.0.0.1', port: peer.port },
      dropDir: newDropDir(),
      retry: fastRetry,
    });
    const letters = await bus.collectDeadLetters();
    await bus.send({ ...notice, to: ['nobody@example.com'] });
    const [letter] = await letters.waitFor(1);
    expect(letter?.body.error).toMatchObject({ code: 'OO_ERR_NOTIFY_RECIPIENT_REFUSED', retryable: false });
    expect(letter?.body.deliveries).toBe(1);
    expect(peer.received).toHaveLength(0);
  });

  it('dead-letters a notice without a principal and sends nothing', async () => {
    peer = await startSmtpPeer();
    bus = await startNotifierBus({ smtp: { host: '127.0.0.1', port: peer.port }, dropDir: newDropDir() });
    const letters = await bus.collectDeadLetters();
    await bus.send(notice, { token: null });
    const [letter] = await letters.waitFor(1);
    expect(letter?.body.error.code).toBe('OO_ERR_AUTH_MISSING');
    expect(peer.received).toHaveLength(0);
  });
});
