/**
 * `oo actor <name>` as an operator starts it, misconfigured: it stops at once naming the key to
 * correct, not with a driver's or the HTTP server's stack trace.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DEPLOYED_NODE_FLAGS, freePort, type NatsServer, startNatsServer } from '@oo/test-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const oo = new URL('../bin/oo.js', import.meta.url).pathname;
const SECRET = 'actor-misconfigured-test-secret-0123456789';

let nats: NatsServer;
let taken: Server;
let takenPort: number;
beforeAll(async () => {
  nats = await startNatsServer();
  taken = createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  takenPort = (taken.address() as { port: number }).port;
});
afterAll(async () => {
  await new Promise((resolve) => taken.close(resolve));
  await nats.stop();
});

/** Runs `oo actor <name>` compiled, as the systemd unit does; what it wrote to stderr and its exit code. */
async function actor(name: string, env: Record<string, string>): Promise<{ code: unknown; stderr: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'oo-misconfigured-'));
  const result = await run(process.execPath, [...DEPLOYED_NODE_FLAGS, oo, 'actor', name], {
    env: {
      ...process.env,
      NATS_URL: nats.url,
      OO_AUTH_SECRET: SECRET,
      OO_DATA_DIR: dataDir,
      OTEL_EXPORTER_OTLP_ENDPOINT: '',
      ...env,
    },
    timeout: 60_000,
  }).then(
    ({ stderr }) => ({ code: 0 as unknown, stderr }),
    (err: { code: unknown; stderr: string }) => ({ code: err.code, stderr: err.stderr }),
  );
  return result;
}

describe('oo actor, misconfigured', { timeout: 120_000 }, () => {
  it('names database.url when PostgreSQL cannot be reached, without the password or a stack', async () => {
    const port = await freePort();
    const { code, stderr } = await actor('ledger', {
      DATABASE_URL: `postgres://oo:s3cret-pw@127.0.0.1:${port}/oo`,
    });
    expect(code).toBe(1);
    expect(stderr).toContain('OO_ERR_CONFIG_INVALID');
    expect(stderr).toContain(
      `PostgreSQL at postgres://oo:***@127.0.0.1:${port}/oo (database.url, DATABASE_URL)`,
    );
    expect(stderr).toContain('ECONNREFUSED');
    expect(stderr).not.toContain('s3cret-pw');
    expect(stderr).not.toMatch(/^\s+at /m);
  });

  it('names gateway.port when the gateway port is taken', async () => {
    const { code, stderr } = await actor('gateway', { OO_GATEWAY_PORT: String(takenPort) });
    expect(code).toBe(1);
    expect(stderr).toContain(
      `the gateway cannot listen on 127.0.0.1:${takenPort} (gateway.host, gateway.port`,
    );
    expect(stderr).toContain('EADDRINUSE');
    expect(stderr).not.toMatch(/^\s+at /m);
  });

  it('names filestore.port when the filestore port is taken', async () => {
    const { code, stderr } = await actor('filestore', { OO_FILESTORE_PORT: String(takenPort) });
    expect(code).toBe(1);
    expect(stderr).toContain(
      `the filestore cannot listen on 127.0.0.1:${takenPort} (filestore.host, filestore.port`,
    );
    expect(stderr).not.toMatch(/^\s+at /m);
  });
});
