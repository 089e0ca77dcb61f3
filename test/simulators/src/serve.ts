/**
 * Serving the vCenter and APIC simulators: HTTP or HTTPS, injected faults applied before the API
 * sees a request (a drop destroys the socket, a delay holds the answer, a status replaces it), one
 * log line and one record per request, and a stop that also ends the wait of held answers.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FaultRegistry } from './faults.js';
import { listen } from './listen.js';

/** How a simulator listens: the options vCenter's and APIC's share. */
export interface SimListenOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Serve HTTPS with this key and certificate (PEM), as the real system does; plain HTTP without. */
  tls?: { key: string; cert: string };
  /** Interface to listen on (default 127.0.0.1). */
  host?: string;
  /** One line per request; silent by default. */
  log?: (line: string) => void;
}

/** A started simulator: where it listens, the first user's account, and the test's side door. */
export interface SimHandle<Control> {
  /** Origin, e.g. `http://127.0.0.1:40123` (no path). */
  readonly url: string;
  readonly username: string;
  readonly password: string;
  readonly control: Control;
  /** Drops open connections (and answers held by a delay fault) and closes the server. */
  stop(): Promise<void>;
}

export interface SimAnswer {
  status: number;
  /** Serialised as JSON (`application/json`); no body when undefined (204). */
  body?: unknown;
  /** Further headers, e.g. a login's `Set-Cookie`. */
  headers?: Readonly<Record<string, string>>;
}

/** A request as the API sees it: method in upper case, the URL parsed, the body read. */
export interface SimIncoming {
  readonly method: string;
  readonly url: URL;
  /** Path and query as the client sent them. */
  readonly rawUrl: string;
  readonly body: string;
  readonly headers: IncomingMessage['headers'];
}

export interface ServeOptions {
  /** Prefixes log lines, e.g. `vcenter-sim`. */
  readonly name: string;
  readonly listen: SimListenOptions;
  readonly faults: FaultRegistry;
  /** The API's answer to a request no fault replaced. */
  answer(req: SimIncoming): SimAnswer;
  /** The system's error answer for an injected status. */
  faultAnswer(status: number): SimAnswer;
  /** The system's answer to a request the simulator failed on (a bug). */
  internalError(): SimAnswer;
  /** Called once per request with its status, or `drop`. */
  record(req: SimIncoming, status: number | 'drop'): void;
}

export interface Served {
  /** Origin, e.g. `http://127.0.0.1:40123` (no path). */
  readonly url: string;
  /** Drops open connections (and answers held by a delay fault) and closes the server. */
  stop(): Promise<void>;
}

export async function serve(options: ServeOptions): Promise<Served> {
  const { faults } = options;
  const log = options.listen.log ?? (() => {});
  // Ends the wait of delay faults on stop, so no timer outlives the server.
  const stopping = new AbortController();

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rawUrl = req.url ?? '/';
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const incoming: SimIncoming = {
      method: (req.method ?? 'GET').toUpperCase(),
      url: new URL(rawUrl, 'http://sim.invalid'),
      rawUrl,
      body: Buffer.concat(chunks).toString('utf8'),
      headers: req.headers,
    };
    const record = (status: number | 'drop') => {
      options.record(incoming, status);
      log(`${options.name} ${incoming.method} ${rawUrl} -> ${status}`);
    };

    const fault = faults.take(incoming.method, incoming.url.pathname);
    if (fault?.kind === 'drop') {
      record('drop');
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'delay') {
      const waited = await sleep(fault.delayMs, true, { signal: stopping.signal }).catch(() => false);
      if (!waited) return;
    }
    const answer = fault?.kind === 'status' ? options.faultAnswer(fault.status) : options.answer(incoming);
    record(answer.status);
    send(res, answer);
  }

  const listener = (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch((error: unknown) => {
      log(`${options.name} internal error: ${error instanceof Error ? error.stack : String(error)}`);
      if (!res.headersSent) send(res, options.internalError());
    });
  };
  const { tls, port, host } = options.listen;
  const server = tls ? createTlsServer(tls, listener) : createServer(listener);
  const url = await listen(server, port, host);

  return {
    url,
    async stop() {
      stopping.abort();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}

function send(res: ServerResponse, answer: SimAnswer): void {
  if (res.destroyed) return;
  if (answer.body === undefined) {
    res.writeHead(answer.status, { ...answer.headers, 'content-length': '0' });
    res.end();
    return;
  }
  const payload = JSON.stringify(answer.body);
  res.writeHead(answer.status, {
    ...answer.headers,
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(payload)),
  });
  res.end(payload);
}
