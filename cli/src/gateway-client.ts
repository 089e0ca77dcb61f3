/**
 * The gateway as the `oo request` commands call it, over its HTTP API with an API token: from
 * OO_GATEWAY_URL and OO_TOKEN, else from a running `oo up`'s up.json (its gateway and admin token).
 * A problem answer (RFC 9457) becomes an OoError with the gateway's code, its detail, and each
 * failing field on a line of its own.
 */
import { resolve } from 'node:path';
import { OoError } from '@oo/contracts';
import { type SseFrame, sseParser } from '@oo/web/sse-parser';
import { readUpFile } from './up-file.js';

export type { SseFrame };

export interface GatewayClient {
  readonly url: string;
  /** Calls the API; resolves with the JSON answer, throws an OoError for a problem answer. */
  call<T>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<T>;
  /** Reads an event stream frame by frame until the server ends it or `signal` aborts. */
  events(path: string, lastEventId?: string, signal?: AbortSignal): AsyncIterable<SseFrame>;
}

interface Problem {
  code?: string;
  detail?: string;
  title?: string;
  errors?: Array<{ path: string; message: string }>;
}

/** Where the gateway is and the token to call it with. */
export function gatewayTarget(
  dataDir: string,
  env: NodeJS.ProcessEnv = process.env,
): { url: string; token: string } {
  const up = readUpFile(resolve(dataDir));
  const url = env.OO_GATEWAY_URL || up?.gateway;
  const token = env.OO_TOKEN || (env.OO_GATEWAY_URL ? undefined : up?.adminToken);
  if (!url || !token) {
    throw new OoError(
      'OO_ERR_CONFIG_INVALID',
      `no gateway to call: set OO_GATEWAY_URL and OO_TOKEN (an API token), or start \`oo up\` (it writes ${resolve(dataDir, 'up.json')})`,
    );
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new OoError('OO_ERR_CONFIG_INVALID', `OO_GATEWAY_URL: ${JSON.stringify(url)} is not a URL`);
  }
  // Credentials in the URL would be echoed in every error; the token travels in its header only.
  if (parsed.username || parsed.password) {
    throw new OoError(
      'OO_ERR_CONFIG_INVALID',
      'OO_GATEWAY_URL must not carry credentials; put the API token in OO_TOKEN',
    );
  }
  return { url: url.replace(/\/+$/, ''), token };
}

function problemError(status: number, text: string): OoError {
  let problem: Problem = {};
  try {
    problem = JSON.parse(text) as Problem;
  } catch {
    // Not problem JSON (a proxy's page): the status and the start of the text say enough.
  }
  const fields = (problem.errors ?? []).map((e) => `\n  ${e.path || '(body)'}: ${e.message}`).join('');
  const detail = problem.detail ?? problem.title ?? (text.slice(0, 200) || 'no detail');
  return new OoError(problem.code ?? 'OO_ERR_HTTP_BAD_REQUEST', `HTTP ${status}: ${detail}${fields}`, {
    details: { status, ...(problem.errors ? { errors: problem.errors } : {}) },
  });
}

async function* sseFrames(body: ReadableStream<Uint8Array>): AsyncIterable<SseFrame> {
  const decoder = new TextDecoder();
  const parser = sseParser();
  for await (const chunk of body) yield* parser.push(decoder.decode(chunk, { stream: true }));
}

export function gatewayClient(target: { url: string; token: string }): GatewayClient {
  const auth = { authorization: `Bearer ${target.token}` };
  const unreachable = (err: unknown) =>
    new OoError(
      'OO_ERR_HTTP_UNREACHABLE',
      `the gateway at ${target.url} cannot be reached: ${(err as Error).message}`,
      {
        retryable: true,
      },
    );
  return {
    url: target.url,
    async call<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
      const res = await fetch(`${target.url}${path}`, {
        method,
        headers: {
          ...auth,
          ...headers,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }).catch((err: unknown) => {
        throw unreachable(err);
      });
      const text = await res.text();
      if (!res.ok) throw problemError(res.status, text);
      return (text ? JSON.parse(text) : undefined) as T;
    },
    async *events(path: string, lastEventId?: string, signal?: AbortSignal) {
      const res = await fetch(`${target.url}${path}`, {
        headers: {
          ...auth,
          accept: 'text/event-stream',
          ...(lastEventId ? { 'last-event-id': lastEventId } : {}),
        },
        ...(signal ? { signal } : {}),
      }).catch((err: unknown) => {
        throw unreachable(err);
      });
      if (!res.ok || !res.body) throw problemError(res.status, await res.text());
      yield* sseFrames(res.body);
    },
  };
}
