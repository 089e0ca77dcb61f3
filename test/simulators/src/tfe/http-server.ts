/**
 * The HTTP front: applies injected faults, reads the body, routes, authenticates, and turns thrown
 * `ApiError`s into JSON:API error documents. The `/_sim` control API bypasses faults, auth and the
 * request log so tests can always reach it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import type { Principal } from './auth.js';
import type { Fault } from './faults.js';
import { ApiError, errorDocument, JSON_API } from './json-api.js';
import type { RouteResponse, Router } from './router.js';
import { recordRequest, type SimContext } from './sim-context.js';

const MAX_BODY_BYTES = 64 * 1024 * 1024;
const NOBODY: Principal = { kind: 'user', organizations: new Set() };
const COMMON_HEADERS = { 'x-ratelimit-limit': '30', 'tfp-api-version': '2.6' };

export const CONTROL_PREFIX = '/_sim';

export function createRequestListener(
  sim: SimContext,
  api: Router,
  control: Router,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    handle(sim, api, control, req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  };
}

async function handle(
  sim: SimContext,
  api: Router,
  control: Router,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const method = req.method ?? 'GET';
  const url = new URL(req.url ?? '/', sim.baseUrl);
  const path = url.pathname;
  if (path === CONTROL_PREFIX || path.startsWith(`${CONTROL_PREFIX}/`)) {
    send(res, await dispatch(control, method, url, req, await readBody(req), false, sim));
    return;
  }

  const record = (status: number | 'reset'): void =>
    recordRequest(sim, {
      method,
      path,
      status,
      hadAuthorization: req.headers.authorization !== undefined,
      at: new Date().toISOString(),
    });
  const fault = sim.faults.take(method, path);
  if (fault && !afterProcessing(fault)) {
    if (fault.type === 'reset') {
      record('reset');
      req.socket.destroy();
      return;
    }
    if (fault.type === 'slow') await delay(fault.delayMs);
    else {
      const response = faultResponse(fault);
      record(response.status);
      send(res, response);
      return;
    }
  }

  let body: Buffer;
  try {
    body = await readBody(req);
  } catch (error) {
    const response = errorResponse(error);
    record(response.status);
    send(res, response);
    return;
  }
  const response = await dispatch(api, method, url, req, body, true, sim);
  if (fault?.type === 'reset') {
    record('reset');
    req.socket.destroy();
    return;
  }
  const answered = fault?.type === 'error' ? faultResponse(fault) : response;
  record(answered.status);
  send(res, answered);
}

async function dispatch(
  router: Router,
  method: string,
  url: URL,
  req: IncomingMessage,
  body: Buffer,
  withAuth: boolean,
  sim: SimContext,
): Promise<RouteResponse> {
  try {
    const match = router.match(method, url.pathname);
    if (!match) throw new ApiError(404, 'not found');
    const principal =
      withAuth && match.route.auth === 'token'
        ? sim.principals.authenticate(req.headers.authorization)
        : NOBODY;
    return await match.route.handler({
      method,
      url,
      params: match.params,
      headers: req.headers,
      body,
      principal,
    });
  } catch (error) {
    return errorResponse(error);
  }
}

function afterProcessing(fault: Fault): boolean {
  return (fault.type === 'error' || fault.type === 'reset') && fault.afterProcessing;
}

function faultResponse(fault: Fault): RouteResponse {
  if (fault.type === 'rate-limit') {
    return {
      status: 429,
      headers: { 'x-ratelimit-reset': String(fault.resetSeconds) },
      // TFE's documented 429 body carries a numeric status (tfe-api.md §0).
      json: {
        errors: [
          { detail: "You have exceeded the API's rate limit.", status: 429, title: 'Too many requests' },
        ],
      },
    };
  }
  const status = fault.type === 'error' ? fault.status : 503;
  return {
    status,
    json: errorDocument(new ApiError(status, status === 503 ? 'service unavailable' : 'error')),
  };
}

function errorResponse(error: unknown): RouteResponse {
  const apiError = error instanceof ApiError ? error : new ApiError(500, 'internal server error');
  return { status: apiError.status, json: errorDocument(apiError) };
}

function send(res: ServerResponse, response: RouteResponse): void {
  const headers: Record<string, string> = { ...COMMON_HEADERS, ...response.headers };
  let payload: string | Buffer | undefined = response.body;
  if (response.json !== undefined) {
    headers['content-type'] ??= JSON_API;
    payload = JSON.stringify(response.json);
  }
  res.writeHead(response.status, headers);
  res.end(payload);
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new ApiError(413, 'payload too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
