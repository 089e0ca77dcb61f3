/**
 * `http.request`: one HTTP call. Header values may name a secret (`{ "secret": "AWX_TOKEN" }`,
 * resolved from `OO_SECRET_AWX_TOKEN`); secret values are sent, never logged, and scrubbed from the
 * output. Redirects are not followed: one task is one call, and a secret never goes to a host the
 * template did not name. A status outside `expectStatus` (default: any 2xx) fails the task,
 * retryably for 5xx and 429 (honouring Retry-After), terminally otherwise.
 */
import { OoError } from '@oo/contracts';
import { defineTask, redactUrl } from '@oo/runtime';
import { z } from 'zod';
import {
  allowedHeaders,
  bodyValue,
  MAX_BODY_BYTES,
  readCapped,
  retryAfterMs,
  scrubber,
} from './http-response.js';

const SecretRef = z
  .object({ secret: z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'upper-case letters, digits, _') })
  .strict();

export const HttpRequestInput = z
  .object({
    method: z.enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']).default('GET'),
    url: z.url({ protocol: /^https?$/ }),
    headers: z
      .record(
        z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, 'an HTTP header name'),
        z.union([z.string(), SecretRef]),
      )
      .default({}),
    /** A string is sent as is; any other JSON value is sent as JSON (content-type set unless given). */
    body: z.json().optional(),
    /** Statuses that count as success; any 2xx when absent. */
    expectStatus: z.array(z.number().int().min(100).max(599)).min(1).optional(),
    /** The whole call, body included (ms). */
    timeoutMs: z.number().int().positive().max(600_000).default(30_000),
  })
  .strict();

export const HttpRequestOutput = z
  .object({
    status: z.number().int(),
    /** Allow-listed response headers only (see ALLOWED_RESPONSE_HEADERS). */
    headers: z.record(z.string(), z.string()),
    /** Parsed JSON for a JSON response, else the text; null when empty. */
    body: z.json(),
    /** Present and true when the body was cut at MAX_BODY_BYTES. */
    truncated: z.literal(true).optional(),
  })
  .strict();

function hasHeader(headers: Record<string, string>, name: string): boolean {
  return Object.keys(headers).some((key) => key.toLowerCase() === name);
}

/**
 * The attempt's deadline: past the longest call an input may ask for. Having one, the runner
 * records the attempt's start and end in `task_vars` (two KV writes a call): a copy of the task's
 * message that comes while the call runs, or after it ended, is dropped or answered with the
 * recorded end instead of making the call again. A crash mid-call still repeats it (at least once).
 */
const ATTEMPT_TIMEOUT_MS = 660_000;

export const httpRequest = defineTask({
  type: 'http.request',
  description: 'One HTTP call; header values may reference secrets.',
  input: HttpRequestInput,
  output: HttpRequestOutput,
  timeoutMs: ATTEMPT_TIMEOUT_MS,
  async run(ctx, input) {
    const secrets: string[] = [];
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(input.headers)) {
      if (typeof value === 'string') {
        headers[name] = value;
      } else {
        const secret = ctx.secret(value.secret);
        secrets.push(secret);
        headers[name] = secret;
      }
    }
    let body: string | undefined;
    if (typeof input.body === 'string') {
      body = input.body;
    } else if (input.body !== undefined) {
      body = JSON.stringify(input.body);
      if (!hasHeader(headers, 'content-type')) headers['content-type'] = 'application/json';
    }
    const url = new URL(input.url);
    const what = `${input.method} ${redactUrl(url)}`;
    const response = await ctx.http.fetch(url, {
      method: input.method,
      headers,
      redirect: 'manual',
      timeoutMs: input.timeoutMs,
      ...(body === undefined ? {} : { body }),
    });
    const expected = input.expectStatus ?? [];
    const ok =
      expected.length > 0
        ? expected.includes(response.status)
        : response.status >= 200 && response.status < 300;
    if (!ok) {
      await response.body?.cancel().catch(() => undefined);
      const retryable = response.status >= 500 || response.status === 429;
      const after = retryable
        ? retryAfterMs(response.headers.get('retry-after'), ctx.clock.now())
        : undefined;
      throw new OoError(
        'OO_ERR_WORKFLOW_HTTP_STATUS',
        `${what} answered ${response.status}, expected ${expected.length > 0 ? expected.join(', ') : '2xx'}`,
        {
          retryable,
          ...(after === undefined ? {} : { retryAfterMs: after }),
          details: {
            method: input.method,
            url: redactUrl(url),
            status: response.status,
            expected: input.expectStatus ?? '2xx',
          },
        },
      );
    }
    const scrub = scrubber(secrets);
    const { text, truncated } = await readCapped(response, MAX_BODY_BYTES, ctx.signal, what);
    return {
      status: response.status,
      headers: allowedHeaders(response.headers, scrub),
      body: bodyValue(scrub(text), response.headers.get('content-type'), truncated),
      ...(truncated ? { truncated: true as const } : {}),
    };
  },
});
