/**
 * AWX's authentication as a client sees it: a bearer token (OAuth2 / personal access token) or HTTP
 * Basic for a known user; anything else is a 401 with AWX's exact body and `WWW-Authenticate`.
 * An unknown bearer token reads like no credentials at all, as in AWX (no user is resolved).
 */
import { json, type SimResponse } from './responses.js';
import type { AwxSimTokenSeed } from './types.js';

export interface AwxSimUser {
  username: string;
  password: string;
}

export type AuthResult = { ok: true; readOnly: boolean } | { ok: false; response: SimResponse };

const LOGIN_HINT = ' To establish a login session, visit /api/login/.';

export const WWW_AUTHENTICATE = 'Bearer realm=api authorization_url=/api/o/authorize/';

/** The 401 AWX sends, with `detail` before the login hint. */
export function unauthorized(detail = 'Authentication credentials were not provided.'): SimResponse {
  return json(401, { detail: `${detail}${LOGIN_HINT}` }, { 'www-authenticate': WWW_AUTHENTICATE });
}

export function authenticate(
  header: string | undefined,
  tokens: readonly AwxSimTokenSeed[],
  users: readonly AwxSimUser[],
): AuthResult {
  if (header === undefined) return { ok: false, response: unauthorized() };
  const [scheme = '', credentials = ''] = header.trim().split(/\s+/, 2);
  if (scheme.toLowerCase() === 'bearer') {
    const known = tokens.find((t) => t.token === credentials);
    return known ? { ok: true, readOnly: known.readOnly ?? false } : { ok: false, response: unauthorized() };
  }
  if (scheme.toLowerCase() === 'basic') {
    const decoded = Buffer.from(credentials, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const username = colon < 0 ? decoded : decoded.slice(0, colon);
    const password = colon < 0 ? '' : decoded.slice(colon + 1);
    const known = users.some((u) => u.username === username && u.password === password);
    return known
      ? { ok: true, readOnly: false }
      : { ok: false, response: unauthorized('Invalid username/password.') };
  }
  return { ok: false, response: unauthorized() };
}
