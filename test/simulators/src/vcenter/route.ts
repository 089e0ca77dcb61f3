/** The shape of a route: an exact path and, per method, whether it needs a session and its handler. */
import type { Inventory } from './inventory.js';
import type { SimResponse } from './responses.js';
import type { Sessions, SimSession } from './sessions.js';
import type { VcenterSimUser } from './types.js';

export interface RouteContext {
  readonly sessions: Sessions;
  readonly users: readonly VcenterSimUser[];
  inventory(): Inventory;
}

export interface SimRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  /** The `Authorization` header, read only by the login. */
  authorization: string | undefined;
  /** The `vmware-api-session-id` header. */
  sessionId: string | undefined;
}

/** `login` runs without a session (it makes one); every other operation gets the caller's live session. */
export type Operation =
  | { readonly kind: 'login'; handle(ctx: RouteContext, req: SimRequest): SimResponse }
  | {
      readonly kind: 'session';
      handle(ctx: RouteContext, req: SimRequest, session: SimSession): SimResponse;
    };

export interface Route {
  readonly path: string;
  readonly methods: Readonly<Partial<Record<'GET' | 'POST' | 'DELETE', Operation>>>;
}
