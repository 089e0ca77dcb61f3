/**
 * `Authorization: Bearer <principal token>` on every filestore call. Only the signature is checked
 * (as everywhere past the entry points): the resource handlers fetch request files long after the
 * requester's token was minted.
 */
import { OoError, type Principal } from '@oo/contracts';
import type { PrincipalTokens } from '@oo/runtime';

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/**
 * The caller of an HTTP request.
 * @throws OoError OO_ERR_AUTH_MISSING (no or non-Bearer header) | OO_ERR_AUTH_INVALID (bad token)
 */
export async function bearerPrincipal(
  tokens: PrincipalTokens,
  authorization: string | undefined,
): Promise<Principal> {
  const token = authorization === undefined ? undefined : BEARER.exec(authorization)?.[1];
  if (!token) {
    throw new OoError('OO_ERR_AUTH_MISSING', 'send Authorization: Bearer <principal token>', {
      retryable: false,
    });
  }
  return tokens.verify(token);
}
