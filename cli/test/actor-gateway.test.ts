/**
 * `oo actor gateway` as deployments run it: a compiled process configured by its file, answering
 * real HTTP.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type NatsServer, spawnCompiled, startNatsServer } from '@oo/test-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const oo = new URL('../bin/oo.js', import.meta.url).pathname;

let server: NatsServer;
beforeAll(async () => {
  server = await startNatsServer();
});
afterAll(() => server.stop());

/** Sends `message` and reads until the server closes the connection; the time that took (ms). */
function sendUntilClosed(url: string, message: string): Promise<{ text: string; ms: number }> {
  const { hostname, port } = new URL(url);
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(message));
    const chunks: Buffer[] = [];
    socket.setTimeout(20_000, () => socket.destroy(new Error('no answer within 20 s')));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () =>
      resolve({ text: Buffer.concat(chunks).toString('utf8'), ms: Date.now() - started }),
    );
  });
}

describe('oo actor gateway', { timeout: 90_000 }, () => {
  it('gives a client the requestTimeoutMs of the configuration file to send a request, then 408', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'oo-gateway-config-'));
    const configFile = join(dir, 'oo.config.json');
    writeFileSync(configFile, JSON.stringify({ gateway: { port: 0, requestTimeoutMs: 500 } }));
    const gateway = spawnCompiled(
      oo,
      {
        OO_CONFIG: configFile,
        OO_DATA_DIR: join(dir, 'data'),
        OO_AUTH_SECRET: 'actor-gateway-test-secret-0123456789',
        NATS_URL: server.url,
        OTEL_EXPORTER_OTLP_ENDPOINT: '',
      },
      ['actor', 'gateway'],
    );
    try {
      const line = await gateway.waitForLine(/"msg":"gateway listening"/, 60_000);
      const { url } = JSON.parse(line) as { url: string };
      // Headers that never end: the default (30 s) would hold the connection far longer.
      const answer = await sendUntilClosed(url, 'GET /healthz HTTP/1.1\r\nHost: x\r\n');
      expect(answer.text).toMatch(/^HTTP\/1\.1 408 /);
      expect(answer.text).toContain('OO_ERR_HTTP_REQUEST_TIMEOUT');
      expect(answer.ms).toBeLessThan(10_000);
    } finally {
      expect(await gateway.kill('SIGTERM')).toBe(0);
    }
  });
});
