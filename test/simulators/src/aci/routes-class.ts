/**
 * Class queries, `GET /api/class/<class>.json` (or `/api/node/class/...`): every object of the class,
 * sorted by dn, or by `order-by=<class>.<attribute>|asc|desc` (asc when neither is given). With
 * `page-size` (objects per page) and `page` (0-based, default 0), imdata holds that page and
 * totalCount still counts them all, so a client pages until it has totalCount objects.
 */
import { apicError, imdata, type SimResponse, unresolvedClass } from './responses.js';
import type { Route } from './route.js';

/** A non-negative integer parameter, `fallback` when absent; undefined when malformed. */
function integer(query: URLSearchParams, name: string, fallback: number): number | undefined {
  const raw = query.get(name);
  if (raw === null) return fallback;
  return /^\d{1,9}$/.test(raw) ? Number(raw) : undefined;
}

/** The attribute an object of `className` has under `name`, as text ('' when it has none). */
function attribute(item: unknown, className: string, name: string): string {
  const attributes = (item as Record<string, { attributes?: Record<string, unknown> }>)[className]
    ?.attributes;
  const value = attributes?.[name];
  return typeof value === 'string' ? value : '';
}

/** `items` in the order `order-by` asks; undefined when it names another class or no attribute. */
function ordered(items: readonly unknown[], className: string, orderBy: string): unknown[] | undefined {
  const match = /^([A-Za-z]+)\.([A-Za-z]+)(?:\|(asc|desc))?$/.exec(orderBy);
  if (!match || match[1] !== className) return undefined;
  const [, , name = '', direction] = match;
  if (!items.every((item) => attribute(item, className, name) !== '')) return undefined;
  const sign = direction === 'desc' ? -1 : 1;
  // By code unit, as the default order by dn (objects.ts).
  return [...items].sort((a, b) => {
    const [x, y] = [attribute(a, className, name), attribute(b, className, name)];
    return sign * (x < y ? -1 : x > y ? 1 : 0);
  });
}

function classQuery(className: string, all: readonly unknown[], query: URLSearchParams): SimResponse {
  const orderBy = query.get('order-by');
  const items = orderBy === null ? all : ordered(all, className, orderBy);
  if (items === undefined) {
    return apicError(400, `Request failed, invalid value for order-by: ${orderBy}`);
  }
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
          return classQuery(className, items, req.query);
        },
      },
    },
  },
];
