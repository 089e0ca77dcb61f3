/**
 * What a route receives and answers. Routes return a value instead of writing to the socket, so a
 * fault injected `after` processing can still swallow the answer.
 */

export interface SimRequest {
  method: string;
  /** Path below the API prefix, with its trailing slash, e.g. `jobs/7/`. */
  path: string;
  /** Path and query as the client sent them; pagination links are built from it. */
  fullPath: string;
  query: URLSearchParams;
  body: unknown;
  /** `http://host:port`, for absolute `Location` headers. */
  origin: string;
  /** The API prefix, e.g. `/api/v2/`. */
  prefix: string;
  readOnly: boolean;
}

export interface SimResponse {
  status: number;
  /** Serialised as JSON unless `text` is given. */
  body?: unknown;
  text?: string;
  headers?: Record<string, string>;
}

export const json = (status: number, body: unknown, headers?: Record<string, string>): SimResponse =>
  headers === undefined ? { status, body } : { status, body, headers };

export const notFound = (): SimResponse => json(404, { detail: 'Not found.' });

export const forbidden = (): SimResponse =>
  json(403, { detail: 'You do not have permission to perform this action.' });

export const methodNotAllowed = (method: string): SimResponse =>
  json(405, { detail: `Method "${method}" not allowed.` });

export const badRequest = (body: Record<string, unknown>): SimResponse => json(400, body);

/**
 * JSON as Python's `json.dumps` writes it (`", "` and `": "` separators, non-ASCII escaped), which
 * is how AWX renders `extra_vars` and host `variables` strings.
 */
export function pythonJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') {
    return JSON.stringify(value).replace(
      /[\u007f-\uffff]/g,
      (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`,
    );
  }
  if (typeof value === 'number' || typeof value === 'boolean') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(pythonJson).join(', ')}]`;
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  return `{${entries.map(([k, v]) => `${pythonJson(k)}: ${pythonJson(v)}`).join(', ')}}`;
}

/** Reads `extra_vars` / `variables` given as an object or as JSON text; undefined when unparsable. */
export function parseVars(value: unknown): Record<string, unknown> | undefined {
  if (value === null || value === undefined || value === '') return {};
  if (typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  if (typeof value !== 'string') return undefined;
  try {
    const parsed: unknown = JSON.parse(value);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** A path parameter as a positive integer id, or undefined (which routes answer with 404). */
export function idParam(raw: string | undefined): number | undefined {
  if (raw === undefined || !/^[0-9]+$/.test(raw)) return undefined;
  const id = Number(raw);
  return Number.isSafeInteger(id) && id > 0 ? id : undefined;
}
