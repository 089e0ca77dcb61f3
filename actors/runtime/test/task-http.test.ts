import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OoError } from '@oo/contracts';
import { trace } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { taskHttp } from '../src/task/task-http.js';
import { memoryTracer, silentLog } from './fixtures/setup.js';

const server = createServer((_req, res) => res.end('ok'));
let base: string;
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function http() {
  const { tracer, exporter } = memoryTracer();
  const span = trace.wrapSpanContext({ traceId: '1'.repeat(32), spanId: '2'.repeat(16), traceFlags: 1 });
  return {
    http: taskHttp({ tracer, span, signalOf: () => new AbortController().signal, log: silentLog }),
    exporter,
  };
}

describe('task http - secrets', () => {
  it('never puts a header value in the error of a request that cannot be made', async () => {
    const { http: client, exporter } = http();
    // A secret with a line break in it (base64 wrapped at 76 columns, say) is not a valid header value.
    const secret = 'dXNlcjpzM2NyZXQtcGFzc3dvcmQ=\ndXNlcjpzM2NyZXQ';
    const failed = await client.fetch(`${base}/api`, { headers: { authorization: `Basic ${secret}` } }).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(failed).toBeInstanceOf(OoError);
    const error = failed as OoError;
    expect(JSON.stringify(error.toData())).not.toContain('s3cret');
    expect(error.message).not.toContain('dXNlcjpzM2NyZXQ');
    expect(error.retryable).toBe(false);
    for (const span of exporter.getFinishedSpans()) {
      expect(
        JSON.stringify({ status: span.status, events: span.events, attributes: span.attributes }),
      ).not.toContain('dXNlcjpzM2NyZXQ');
    }
  });
});
