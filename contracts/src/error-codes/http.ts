import type { ErrorSpec } from '../error-spec.js';

/** Error codes of the HTTP surface (OO_ERR_HTTP_*). Merged into ErrorRegistry in errors.ts. */
export const HttpErrors = {
  OO_ERR_HTTP_BAD_REQUEST: {
    meaning:
      'The HTTP request is malformed: a path, query or header value breaks its rule, or the URL is badly encoded.',
    retryable: false,
    http: 400,
    fix: 'Read `errors` (each names the parameter and the rule) and correct the request.',
  },
  OO_ERR_HTTP_NOT_FOUND: {
    meaning: 'No route answers this path.',
    retryable: false,
    http: 404,
    fix: 'See GET /openapi.json (or /docs) for the routes of this API.',
  },
  OO_ERR_HTTP_METHOD_NOT_ALLOWED: {
    meaning:
      'The path exists but does not answer this method; `allow` (and the Allow header) lists the ones it does.',
    retryable: false,
    http: 405,
    fix: 'Call the path with one of the methods in `allow`; see GET /openapi.json for what each does.',
  },
  OO_ERR_HTTP_TOKEN_NOT_FOUND: {
    meaning: 'No active API token has this id (it never existed, or it is revoked already).',
    retryable: false,
    http: 404,
    fix: 'List the tokens with GET /v1/tokens and use the id of an active one.',
  },
  OO_ERR_HTTP_TOO_LARGE: {
    meaning: 'The request body is larger than the gateway accepts (`maxBytes`).',
    retryable: false,
    http: 413,
    fix: 'Send a smaller body: split a large request into several.',
  },
  OO_ERR_HTTP_HEADERS_TOO_LARGE: {
    meaning: 'The request line and headers together are larger than the gateway accepts (16 KiB by default).',
    retryable: false,
    http: 431,
    fix: 'Send fewer or shorter headers; data belongs in the body.',
  },
  OO_ERR_HTTP_REQUEST_TIMEOUT: {
    meaning: 'The request (headers and body) did not arrive in full within the time the gateway allows.',
    retryable: true,
    http: 408,
    fix: 'Send the whole request at once; check that Content-Length is the length of the body.',
  },
  OO_ERR_HTTP_MEDIA_TYPE: {
    meaning: 'The request body is not JSON.',
    retryable: false,
    http: 415,
    fix: 'Send the body as UTF-8 JSON with `Content-Type: application/json`.',
  },
  OO_ERR_HTTP_RATE_LIMITED: {
    meaning: 'This API token sent more requests per minute than the gateway allows.',
    retryable: true,
    http: 429,
    fix: 'Wait for `Retry-After` seconds; spread calls out, or ask an admin to raise `gateway.rateLimitPerMinute`.',
  },
  OO_ERR_HTTP_IDEMPOTENCY_CONFLICT: {
    meaning:
      'The Idempotency-Key was used before with a different body, or a request with this key is still being taken in.',
    retryable: false,
    http: 409,
    fix: 'Use a new key for a new request; retry the same body with the same key to get the first answer.',
  },
  OO_ERR_HTTP_NOT_READY: {
    meaning: 'The gateway cannot reach NATS or the read model database right now.',
    retryable: true,
    http: 503,
    fix: 'Read `checks` for which one; start it or restore the connection.',
  },
  OO_ERR_HTTP_UNREACHABLE: {
    meaning:
      'A client of the gateway (`oo request`) could not connect to it: nothing listens at the URL, or the network refused or dropped the connection. The gateway itself never answers this code.',
    retryable: true,
    http: 503,
    fix: 'Check OO_GATEWAY_URL (or that `oo up` is running when it is not set) and that the gateway is reachable from here.',
  },
} as const satisfies Record<string, ErrorSpec>;
