/**
 * Identity. The gateway authenticates a caller (API token, or OIDC/JWT where configured) and mints
 * a short-lived signed principal token (JWS, HS256) into the `oo-principal` header; every actor
 * verifies it before acting. Machines publishing on NATS use a service token minted by
 * `oo token create --role service`.
 */
import { z } from 'zod';

export const Role = z.enum(['requester', 'operator', 'admin', 'service']);
export type Role = z.infer<typeof Role>;

export const Principal = z
  .object({
    /** Stable subject: a user name or a service name. */
    sub: z.string().min(1).max(256),
    role: Role,
    /** The API token id it was minted from, for the audit trail. */
    tokenId: z.string().optional(),
  })
  .strict();
export type Principal = z.infer<typeof Principal>;

/** What each role may do. Requesters see and act on their own requests only. */
export const Permissions = {
  submit: ['requester', 'operator', 'admin', 'service'],
  readOwn: ['requester', 'operator', 'admin', 'service'],
  readAll: ['operator', 'admin'],
  rerun: ['operator', 'admin'],
  cancel: ['operator', 'admin'],
  /** Send a dead letter's message again, or discard the letter (operations). */
  settleDeadLetters: ['operator', 'admin'],
  policy: ['admin'],
  tokens: ['admin'],
} as const satisfies Record<string, readonly Role[]>;
export type Permission = keyof typeof Permissions;

export function can(role: Role, permission: Permission): boolean {
  return (Permissions[permission] as readonly Role[]).includes(role);
}
