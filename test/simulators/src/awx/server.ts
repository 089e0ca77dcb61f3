/**
 * The AWX simulator's HTTP server. Order of handling, as in AWX (Django middleware, then DRF):
 * `/_sim/` control (no auth) -> injected faults -> prefix and trailing-slash 301 -> `ping/`
 * (no auth) -> authentication (401) -> read-only token on writes (403) -> Content-Type (415) ->
 * JSON body (400) -> route. Every API answer carries `X-API-Product-Name`, `X-API-Node`,
 * `X-API-Time`, and `X-API-Product-Version` once authenticated.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { listen } from '../listen.js';
import { createRequestLog } from '../request-log.js';
import { type AwxSimUser, authenticate, unauthorized } from './auth.js';
import {
  type AwxSimRequestRecord,
  type AwxSimulatorControl,
  controlRoute,
  createControl,
} from './control.js';
import { type ActiveFault, createFaultRegistry } from './faults.js';
import { createJobLifecycle } from './job-lifecycle.js';
import { forbidden, json, notFound, type SimRequest, type SimResponse } from './responses.js';
import type { RouteContext } from './route.js';
import { AWX_SIM_VERSION, dispatch, ping } from './router.js';
import { type AwxSimSeed, createStore, DEFAULT_AWX_SEED } from './store.js';
import type { AwxSimTokenSeed } from './types.js';

export interface AwxSimulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Interface to listen on (default 127.0.0.1). */
  host?: string;
  /** API prefix (default `/api/v2/`; AAP 2.5 gateway: `/api/controller/v2/`). */
  prefix?: string;
  /** Accepted bearer tokens; default one random token (returned as `token`). */
  tokens?: ReadonlyArray<string | AwxSimTokenSeed>;
  /** Users accepted with HTTP Basic (default admin/password). */
  users?: readonly AwxSimUser[];
  /** Organisations, inventories, credentials, templates (default DEFAULT_AWX_SEED). */
  seed?: AwxSimSeed;
  /** Delay between two steps of a job's lifecycle (ms, default 200). */
  stepDelayMs?: number;
  /** How long a `slow_running` job runs (ms, default 10 min). */
  slowRunningMs?: number;
  /** Stdout above this is served only as a download (bytes, default 1 MiB as in AWX). */
  stdoutMaxBytes?: number;
  /** One line per request; silent by default. */
  log?: (line: string) => void;
}

export interface AwxSimulator {
  /** Origin, e.g. `http://127.0.0.1:40123` (no path); the API is at `url + prefix`. */
  readonly url: string;
  readonly prefix: string;
  /** The first accepted bearer token. */
  readonly token: string;
  readonly control: AwxSimulatorControl;
  /** Stops the clock, drops open connections and closes the server. */
  stop(): Promise<void>;
}

/** Starts a protocol-faithful AWX API on a real port. See awx-api.md §7 for what it covers. */
export async function startAwxSimulator(options: AwxSimulatorOptions = {}): Promise<AwxSimulator> {
  const prefix = normalisePrefix(options.prefix ?? '/api/v2/');
  const tokens: AwxSimTokenSeed[] = (options.tokens ?? [`sim-${randomBytes(16).toString('hex')}`]).map((t) =>
    typeof t === 'string' ? { token: t } : t,
  );
  const firstToken = tokens[0]?.token;
  if (firstToken === undefined) throw new Error('awx simulator: tokens must not be empty');
  const users = options.users ?? [{ username: 'admin', password: 'password' }];
  const log = options.log ?? (() => {});

  const store = createStore(options.seed ?? DEFAULT_AWX_SEED);
  const lifecycle = createJobLifecycle(store, {
    stepDelayMs: options.stepDelayMs ?? 200,
    slowRunningMs: options.slowRunningMs ?? 600_000,
  });
  const faults = createFaultRegistry();
  const requestLog = createRequestLog<AwxSimRequestRecord>();
  const control = createControl(store, faults, requestLog);
  const ctx: RouteContext = { store, lifecycle, stdoutMaxBytes: options.stdoutMaxBytes ?? 1_048_576 };

  function record(entry: AwxSimRequestRecord): void {
    requestLog.add(entry);
    log(`awx-sim ${entry.method} ${entry.path} -> ${entry.status}${entry.fault === null ? '' : ' (fault)'}`);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const method = (req.method ?? 'GET').toUpperCase();
    const rawUrl = req.url ?? '/';
    const url = new URL(rawUrl, 'http://sim.invalid');
    const raw = await readBody(req);

    if (url.pathname.startsWith('/_sim/') || url.pathname === '/_sim') {
      let body: unknown;
      try {
        body = raw.length === 0 ? undefined : JSON.parse(raw.toString('utf8'));
      } catch {
        return send(res, json(400, { detail: 'invalid JSON' }), {});
      }
      return send(res, controlRoute(control, method, url, body), {});
    }

    const fault = faults.take(method, url.pathname);
    if (fault?.kind === 'delay') await sleep(fault.delayMs);
    if (fault !== undefined && fault.when === 'before' && fault.kind !== 'delay') {
      return misbehave(req, res, fault, method, rawUrl);
    }

    const { response, authenticated } = answer(method, url, rawUrl, raw, req);
    if (fault !== undefined && fault.when === 'after' && fault.kind !== 'delay') {
      return misbehave(req, res, fault, method, rawUrl);
    }
    const headers: Record<string, string> = {
      'x-api-product-name': 'AWX',
      'x-api-node': 'awx-sim',
      'x-api-time': `${((performance.now() - started) / 1000).toFixed(3)}s`,
      ...(authenticated ? { 'x-api-product-version': AWX_SIM_VERSION } : {}),
    };
    record({ method, path: rawUrl, status: response.status, fault: fault?.id ?? null });
    send(res, response, headers);
  }

  function answer(
    method: string,
    url: URL,
    rawUrl: string,
    raw: Buffer,
    req: IncomingMessage,
  ): { response: SimResponse; authenticated: boolean } {
    const bare = prefix.slice(0, -1);
    if (url.pathname === bare) return { response: redirect(`${prefix}${url.search}`), authenticated: false };
    if (!url.pathname.startsWith(prefix)) return { response: notFound(), authenticated: false };
    if (!url.pathname.endsWith('/')) {
      return { response: redirect(`${url.pathname}/${url.search}`), authenticated: false };
    }
    const path = url.pathname.slice(prefix.length);
    if (path === 'ping/') return { response: ping(), authenticated: false };

    const auth = authenticate(req.headers.authorization, tokens, users);
    if (!auth.ok) return { response: auth.response, authenticated: false };
    const writes = method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS';
    if (writes && auth.readOnly) return { response: forbidden(), authenticated: true };

    let body: unknown;
    if (raw.length > 0) {
      const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
      if (type !== 'application/json') {
        return {
          response: json(415, {
            detail:
              'You did not use correct Content-Type in your HTTP request. If you are using our REST API, the Content-Type must be application/json',
          }),
          authenticated: true,
        };
      }
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch (error) {
        const reason = error instanceof Error ? error.message : 'invalid JSON';
        return { response: json(400, { detail: `JSON parse error - ${reason}` }), authenticated: true };
      }
    }
    const simReq: SimRequest = {
      method,
      path,
      fullPath: rawUrl,
      query: url.searchParams,
      body,
      origin: `http://${req.headers.host ?? 'localhost'}`,
      prefix,
      readOnly: auth.readOnly,
    };
    return { response: dispatch(ctx, simReq), authenticated: true };
  }

  function misbehave(
    req: IncomingMessage,
    res: ServerResponse,
    fault: ActiveFault,
    method: string,
    rawUrl: string,
  ): void {
    if (fault.kind === 'reset') {
      record({ method, path: rawUrl, status: 'reset', fault: fault.id });
      req.socket.resetAndDestroy();
      return;
    }
    record({ method, path: rawUrl, status: fault.status, fault: fault.id });
    send(res, faultResponse(fault.status), { 'x-api-product-name': 'AWX' });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      log(`awx-sim internal error: ${error instanceof Error ? error.stack : String(error)}`);
      if (!res.headersSent) send(res, json(500, { detail: 'simulator internal error' }), {});
    });
  });
  const url = await listen(server, options.port, options.host);

  return {
    url,
    prefix,
    token: firstToken,
    control,
    async stop() {
      lifecycle.stop();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}

function normalisePrefix(prefix: string): string {
  const withLead = prefix.startsWith('/') ? prefix : `/${prefix}`;
  return withLead.endsWith('/') ? withLead : `${withLead}/`;
}

/** Django's CommonMiddleware answer to a missing slash: 301 to the slashed path, whatever the method. */
function redirect(location: string): SimResponse {
  return { status: 301, text: '', headers: { location, 'content-type': 'text/html; charset=utf-8' } };
}

function faultResponse(status: number): SimResponse {
  if (status === 401) return unauthorized();
  if (status === 403) return forbidden();
  if (status === 404) return notFound();
  if (status < 500) return json(status, { detail: `Injected ${status}.` });
  return {
    status,
    text: `<html><head><title>${status}</title></head><body><h1>${status} Server Error</h1></body></html>`,
    headers: { 'content-type': 'text/html; charset=utf-8' },
  };
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function send(res: ServerResponse, response: SimResponse, headers: Record<string, string>): void {
  const all: Record<string, string> = { ...headers, ...response.headers };
  let payload = '';
  if (response.text !== undefined) {
    payload = response.text;
  } else if (response.body !== undefined) {
    payload = JSON.stringify(response.body);
    all['content-type'] ??= 'application/json';
  }
  all['content-length'] = String(Buffer.byteLength(payload));
  res.writeHead(response.status, all);
  res.end(payload);
}
