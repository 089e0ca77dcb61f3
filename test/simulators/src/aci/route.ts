/** The shape of a route: a path pattern and, per method, whether it needs a token and its handler. */
import type { ClassStore } from './objects.js';
import type { SimResponse } from './responses.js';
import type { SimToken, Tokens } from './tokens.js';
import type { AciSimUser } from './types.js';

export interface RouteContext {
  readonly tokens: Tokens;
  readonly users: readonly AciSimUser[];
  classes(): ClassStore;
}

export interface SimRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  /** The value of the `APIC-cookie` cookie. */
  cookie: string | undefined;
  /** The parsed JSON body; undefined when empty or not JSON. */
  body: unknown;
  /** What the path pattern captured, e.g. the class name. */
  params: readonly string[];
}

/** `login` runs without a token (it makes one); every other operation gets the caller's live token. */
export type Operation =
  | { readonly kind: 'login'; handle(ctx: RouteContext, req: SimRequest): SimResponse }
  | { readonly kind: 'token'; handle(ctx: RouteContext, req: SimRequest, token: SimToken): SimResponse };

export interface Route {
  /** Matched against the whole path; groups become `params`. */
  readonly path: RegExp;
  readonly methods: Readonly<Partial<Record<'GET' | 'POST', Operation>>>;
}
