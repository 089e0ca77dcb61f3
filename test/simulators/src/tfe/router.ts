/**
 * A small method + path router: patterns like `/api/v2/runs/:id/actions/:action`, matched segment by
 * segment. Routes declare whether they need a bearer token; the server enforces it.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Principal } from './auth.js';
import { ApiError } from './json-api.js';

export interface RouteRequest {
  readonly method: string;
  /** Absolute URL as the client addressed it. */
  readonly url: URL;
  readonly params: Readonly<Record<string, string>>;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  /** The caller; sees nothing on unauthenticated routes. */
  readonly principal: Principal;
}

export interface RouteResponse {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** Serialised as JSON with the JSON:API content type. */
  readonly json?: unknown;
  /** Sent as is (plain text or bytes). */
  readonly body?: string | Buffer;
}

export type RouteHandler = (req: RouteRequest) => RouteResponse | Promise<RouteResponse>;

export interface Route {
  readonly method: string;
  readonly segments: readonly string[];
  readonly auth: 'token' | 'none';
  readonly handler: RouteHandler;
}

export interface Router {
  add(method: string, pattern: string, handler: RouteHandler, options?: { auth?: 'token' | 'none' }): void;
  match(method: string, path: string): { route: Route; params: Record<string, string> } | undefined;
}

export function createRouter(): Router {
  const routes: Route[] = [];
  return {
    add(method, pattern, handler, options = {}) {
      routes.push({ method, segments: split(pattern), auth: options.auth ?? 'token', handler });
    },
    match(method, path) {
      const parts = split(path);
      for (const route of routes) {
        if (route.method !== method || route.segments.length !== parts.length) continue;
        const params: Record<string, string> = {};
        const matched = route.segments.every((segment, i) => {
          const part = parts[i]!;
          if (segment.startsWith(':')) {
            params[segment.slice(1)] = decode(part);
            return true;
          }
          return segment === part;
        });
        if (matched) return { route, params };
      }
      return undefined;
    },
  };
}

/** The request body as JSON; 400 when it is not. */
export function jsonBody(req: RouteRequest): unknown {
  if (req.body.length === 0) return undefined;
  try {
    return JSON.parse(req.body.toString('utf8'));
  } catch {
    throw new ApiError(400, 'malformed body', 'the request body is not valid JSON');
  }
}

function split(path: string): string[] {
  return path.split('/').filter(Boolean);
}

function decode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}
