/**
 * Bearer tokens and what they may see. TFE answers 401 for a missing or unknown token and 404 — never
 * 403 — for anything a valid token may not see (tfe-api.md §0). Organization tokens cannot create
 * runs or configuration versions nor act on runs; the simulator answers those with 404 too.
 */
import { ApiError, notFound } from './json-api.js';

export type TokenKind = 'user' | 'team' | 'organization';

export interface TokenSpec {
  readonly token: string;
  /** Default `user`. */
  readonly kind?: TokenKind;
  /** Organizations the token can see; default the seeded organization. `[]` sees nothing. */
  readonly organizations?: readonly string[];
}

export interface Principal {
  readonly kind: TokenKind;
  readonly organizations: ReadonlySet<string>;
}

export interface Principals {
  authenticate(authorization: string | undefined): Principal;
  revoke(token: string): void;
}

export const unauthorized = (): ApiError => new ApiError(401, 'unauthorized');

export function createPrincipals(specs: readonly TokenSpec[], defaultOrganization: string): Principals {
  const byToken = new Map<string, Principal>(
    specs.map((spec) => [
      spec.token,
      {
        kind: spec.kind ?? 'user',
        organizations: new Set(spec.organizations ?? [defaultOrganization]),
      },
    ]),
  );
  return {
    authenticate(authorization) {
      const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
      const principal = match ? byToken.get(match[1]!) : undefined;
      if (!principal) throw unauthorized();
      return principal;
    },
    revoke(token) {
      byToken.delete(token);
    },
  };
}

/** 404 unless the principal can see the organization. */
export function assertVisible(principal: Principal, organization: string): void {
  if (!principal.organizations.has(organization)) throw notFound();
}

/** 404 for organization tokens, which may not queue runs, create configuration versions or act on runs. */
export function assertCanQueueRuns(principal: Principal): void {
  if (principal.kind === 'organization') throw notFound();
}
