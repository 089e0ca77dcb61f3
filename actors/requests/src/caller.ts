/**
 * Who sent a command: the principal token in the `oo-principal` header, verified (the runtime's
 * `verifyCaller`) before anything is done, then authorized here. Failures are terminal (a dead
 * letter naming the reason), never a `rejected` request event: without a verified identity there is
 * no requester to tell.
 */
import { can, OoError, type Permission, type Principal } from '@oo/contracts';

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
