/**
 * Who sent a command: the principal token in the `oo-principal` header, verified before anything is
 * done. Failures are terminal (a dead letter naming the reason), never a `rejected` request event:
 * without a verified identity there is no requester to tell.
 */
import { can, Headers, OoError, type Permission, type Principal } from '@oo/contracts';
import type { ActorContext, PrincipalTokens } from '@oo/runtime';

/**
 * Verifies the delivery's principal. `enforceExpiry` is for entry points: a command acted on for the
 * first time must carry a live token.
 * @throws OoError OO_ERR_AUTH_MISSING | OO_ERR_AUTH_INVALID (terminal)
 */
export async function authenticate(
  tokens: PrincipalTokens,
  ctx: Pick<ActorContext, 'principal' | 'subject'>,
  options: { enforceExpiry: boolean },
): Promise<Principal> {
  if (!ctx.principal) {
    throw new OoError('OO_ERR_AUTH_MISSING', `${ctx.subject} carries no ${Headers.principal} header`, {
      retryable: false,
    });
  }
  return tokens.verify(ctx.principal, { enforceExpiry: options.enforceExpiry });
}

/**
 * Requires the role's permission, or — when `owner` is given — that the caller is that owner.
 * @throws OoError OO_ERR_AUTH_FORBIDDEN (terminal)
 */
export function authorize(principal: Principal, permission: Permission, owner?: string): void {
  if (can(principal.role, permission)) return;
  if (owner !== undefined && principal.sub === owner) return;
  throw new OoError(
    'OO_ERR_AUTH_FORBIDDEN',
    `${principal.sub} (role ${principal.role}) may not ${permission}${owner === undefined ? '' : ` a request of ${owner}`}`,
    { retryable: false, details: { permission, role: principal.role } },
  );
}
