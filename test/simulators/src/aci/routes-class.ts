/**
 * Class queries, `GET /api/class/<class>.json` (or `/api/node/class/...`): every object of the class,
 * sorted by dn. With `page-size` (objects per page) and `page` (0-based, default 0), imdata holds that
 * page and totalCount still counts them all, so a client pages until it has totalCount objects.
 */
import { apicError, imdata, type SimResponse, unresolvedClass } from './responses.js';
import type { Route } from './route.js';

/** A non-negative integer parameter, `fallback` when absent; undefined when malformed. */
function integer(query: URLSearchParams, name: string, fallback: number): number | undefined {
  const raw = query.get(name);
  if (raw === null) return fallback;
  return /^\d{1,9}$/.test(raw) ? Number(raw) : undefined;
}

function classQuery(items: readonly unknown[], query: URLSearchParams): SimResponse {
  if (!query.has('page-size')) return imdata(items);
  const size = integer(query, 'page-size', 0);
  if (size === undefined || size < 1) {
    return apicError(400, `Request failed, invalid value for page-size: ${query.get('page-size')}`);
  }
  const page = integer(query, 'page', 0);
  if (page === undefined)
    return apicError(400, `Request failed, invalid value for page: ${query.get('page')}`);
  return imdata(items.slice(page * size, (page + 1) * size), items.length);
}

export const classRoutes: Route[] = [
  {
    path: /^\/api(?:\/node)?\/class\/([^/]+)\.json$/,
    methods: {
      GET: {
        kind: 'token',
        handle(ctx, req) {
          const className = req.params[0] ?? '';
          const items = ctx.classes().get(className);
          if (items === undefined) return unresolvedClass(className);
          return classQuery(items, req.query);
        },
      },
    },
  },
];
