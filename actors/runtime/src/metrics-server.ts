/**
 * `GET /metrics` for Prometheus to scrape, one per process (`oo up`, `oo actor`), started only when
 * `metrics.port` is configured. Plain node:http: one route, nothing to share with the gateway.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OoError } from '@oo/contracts';
import { type MetricsSource, renderMetrics } from './metrics.js';

export interface MetricsServer {
  /** e.g. http://127.0.0.1:9464/metrics */
  readonly url: string;
  close(): Promise<void>;
}

export interface MetricsServerOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** The actor instances of this process, read at each scrape (they may come and go). */
  sources: () => readonly MetricsSource[];
}

const CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export async function startMetricsServer(options: MetricsServerOptions): Promise<MetricsServer> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: metrics are at /metrics\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('method not allowed\n');
      return;
    }
    const body = renderMetrics(options.sources());
    res.writeHead(200, { 'content-type': CONTENT_TYPE, 'content-length': Buffer.byteLength(body) });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  await new Promise<void>((resolve, reject) => {
    const refuse = (err: Error) =>
      reject(
        new OoError(
          'OO_ERR_CONFIG_INVALID',
          `cannot serve metrics on ${options.host}:${options.port} (metrics.host, metrics.port): ${err.message}`,
        ),
      );
    server.once('error', refuse);
    server.listen(options.port, options.host, () => {
      server.off('error', refuse);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}/metrics`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
