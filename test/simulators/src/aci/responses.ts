/**
 * What a route answers, and APIC's bodies: every answer, error or not, is `{totalCount, imdata}` with
 * the count as a string; an error is one `error` item with its code and text. Routes return a value
 * instead of writing to the socket, so the server alone decides how an answer (or an injected fault)
 * reaches the client.
 */

export interface SimResponse {
  status: number;
  /** Serialised as JSON (`application/json`). */
  body: unknown;
  /** Further headers, e.g. the login's `Set-Cookie`. */
  headers?: Readonly<Record<string, string>>;
}

/** A query's answer: `items` and the count of all that matched (`totalCount`, a string). */
export const imdata = (items: readonly unknown[], totalCount = items.length): SimResponse => ({
  status: 200,
  body: { totalCount: String(totalCount), imdata: [...items] },
});

export const apicError = (status: number, text: string): SimResponse => ({
  status,
  body: { totalCount: '1', imdata: [{ error: { attributes: { code: String(status), text } } }] },
});

export const badCredentials = (): SimResponse =>
  apicError(401, 'Username or password is incorrect - FAILED local authentication');

/** APIC's answer to a missing, unknown, logged-out or timed-out token alike. */
export const tokenInvalid = (): SimResponse => apicError(403, 'Token was invalid (Error: Token timeout)');

export const unresolvedClass = (className: string): SimResponse =>
  apicError(400, `Request failed, unresolved class for ${className}`);

export const notFound = (path: string): SimResponse => apicError(404, `Request failed, no such URL ${path}`);

export const methodNotAllowed = (method: string, path: string): SimResponse =>
  apicError(405, `Request failed, ${method} is not supported for ${path}`);

export function faultResponse(status: number): SimResponse {
  if (status === 401) return badCredentials();
  if (status === 403) return tokenInvalid();
  return apicError(status, `Injected ${status}`);
}
