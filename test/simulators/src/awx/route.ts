/** The shape of a route: a path pattern below the API prefix and a handler per method. */
import type { JobLifecycle } from './job-lifecycle.js';
import type { SimRequest, SimResponse } from './responses.js';
import type { AwxSimStore } from './store.js';

export interface RouteContext {
  readonly store: AwxSimStore;
  readonly lifecycle: JobLifecycle;
  /** Stdout above this many bytes is only served as a download (AWX: 1 MiB). */
  readonly stdoutMaxBytes: number;
}

/** `params` are the pattern's capture groups, e.g. the job id. */
export type RouteHandler = (ctx: RouteContext, req: SimRequest, params: readonly string[]) => SimResponse;

export interface Route {
  /** Anchored pattern over the path below the prefix, e.g. `/^jobs\/(\d+)\/$/`. */
  readonly pattern: RegExp;
  readonly methods: Readonly<Partial<Record<'GET' | 'POST' | 'PATCH' | 'DELETE', RouteHandler>>>;
}
