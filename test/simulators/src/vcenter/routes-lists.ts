/**
 * The list operations OO reads (`GET /api/vcenter/{cluster,datastore,network}`) with their `names`
 * and `types` filters, each repeatable (`?names=a&names=b`). Filters combine with AND, values of one
 * filter with OR, as vCenter's FilterSpec does.
 */
import { invalidEnumValue, json, type SimResponse, tooManyResults } from './responses.js';
import type { Route, SimRequest } from './route.js';
import { VCENTER_DATASTORE_TYPES, VCENTER_NETWORK_TYPES } from './types.js';

/** vCenter's documented list limit: "Returns information about at most 1000 ...". */
const LIST_LIMIT = 1000;

interface Filter<T> {
  readonly param: string;
  readonly field: (item: T) => string;
  /** Allowed values with their vAPI enumeration name; any value when absent. */
  readonly values?: { readonly allowed: readonly string[]; readonly enumType: string };
}

function list<T>(req: SimRequest, items: readonly T[], filters: readonly Filter<T>[]): SimResponse {
  let result = items;
  for (const filter of filters) {
    const wanted = req.query.getAll(filter.param);
    if (wanted.length === 0) continue;
    const bad = wanted.find((v) => filter.values !== undefined && !filter.values.allowed.includes(v));
    if (bad !== undefined && filter.values !== undefined)
      return invalidEnumValue(bad, filter.values.enumType);
    result = result.filter((item) => wanted.includes(filter.field(item)));
  }
  if (result.length > LIST_LIMIT) return tooManyResults();
  return json(200, result);
}

export const listRoutes: Route[] = [
  {
    path: '/api/vcenter/cluster',
    methods: {
      GET: {
        kind: 'session',
        handle: (ctx, req) => list(req, ctx.inventory().clusters, [{ param: 'names', field: (c) => c.name }]),
      },
    },
  },
  {
    path: '/api/vcenter/datastore',
    methods: {
      GET: {
        kind: 'session',
        handle: (ctx, req) =>
          list(req, ctx.inventory().datastores, [
            { param: 'names', field: (ds) => ds.name },
            {
              param: 'types',
              field: (ds) => ds.type,
              values: { allowed: VCENTER_DATASTORE_TYPES, enumType: 'com.vmware.vcenter.datastore.type' },
            },
          ]),
      },
    },
  },
  {
    path: '/api/vcenter/network',
    methods: {
      GET: {
        kind: 'session',
        handle: (ctx, req) =>
          list(req, ctx.inventory().networks, [
            { param: 'names', field: (n) => n.name },
            {
              param: 'types',
              field: (n) => n.type,
              values: { allowed: VCENTER_NETWORK_TYPES, enumType: 'com.vmware.vcenter.network.type' },
            },
          ]),
      },
    },
  },
];
