/**
 * `organizations/`, `inventories/`, `inventories/{id}/hosts/` (GET, POST to create a host) and
 * `hosts/` (list with `name`/`inventory` filters, detail, PATCH, DELETE). Host `variables` are a
 * string holding JSON (or YAML); `name:port` moves the port to `ansible_ssh_port`; a duplicate name in
 * one inventory answers 400 under `__all__`.
 */
import { paginate } from './pagination.js';
import {
  badRequest,
  idParam,
  json,
  notFound,
  parseVars,
  pythonJson,
  type SimRequest,
  type SimResponse,
} from './responses.js';
import type { Route, RouteContext } from './route.js';
import { hostJson, inventoryJson, organizationJson } from './serializers.js';
import type { AwxSimHost } from './types.js';

const DUPLICATE_HOST = { __all__: ['Host with this Name and Inventory already exists.'] };

type HostFields = Pick<AwxSimHost, 'name' | 'description' | 'enabled' | 'instance_id' | 'variables'>;

/** Checks host fields as AWX's HostSerializer does; `partial` for PATCH. */
function hostFields(body: unknown, partial: boolean): Partial<HostFields> | SimResponse {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return badRequest({ non_field_errors: ['Invalid data. Expected a dictionary.'] });
  }
  const data = body as Record<string, unknown>;
  const errors: Record<string, string[]> = {};
  const out: Partial<HostFields> = {};
  if (data.name !== undefined || !partial) {
    if (data.name === undefined) errors.name = ['This field is required.'];
    else if (typeof data.name !== 'string') errors.name = ['Not a valid string.'];
    else if (data.name.trim() === '') errors.name = ['This field may not be blank.'];
    else out.name = data.name.trim();
  }
  for (const key of ['description', 'instance_id'] as const) {
    if (data[key] === undefined) continue;
    if (typeof data[key] === 'string') out[key] = data[key] as string;
    else errors[key] = ['Not a valid string.'];
  }
  if (data.enabled !== undefined) {
    if (typeof data.enabled === 'boolean') out.enabled = data.enabled;
    else errors.enabled = ['Must be a valid boolean.'];
  }
  if (data.variables !== undefined && data.variables !== null) {
    if (typeof data.variables !== 'string') errors.variables = ['Not a valid string.'];
    else if (data.variables.trim().startsWith('{') && parseVars(data.variables) === undefined) {
      errors.variables = ['Cannot parse as JSON (error: Expecting value) or YAML (error: not a mapping).'];
    } else out.variables = data.variables;
  }
  if (Object.keys(errors).length > 0) return badRequest(errors);
  // `host:port` (one colon) keeps the host and moves the port into the variables.
  const match = out.name === undefined ? null : /^([^:]+):([0-9]+)$/.exec(out.name);
  if (match !== null) {
    const vars = parseVars(out.variables ?? '') ?? {};
    out.name = match[1] ?? '';
    out.variables = pythonJson({ ...vars, ansible_ssh_port: Number(match[2]) });
  }
  return out;
}

function isResponse(value: unknown): value is SimResponse {
  return typeof value === 'object' && value !== null && 'status' in value;
}

function nameTaken(ctx: RouteContext, inventory: number, name: string, except?: number): boolean {
  for (const h of ctx.store.hosts.values()) {
    if (h.inventory === inventory && h.name === name && h.id !== except) return true;
  }
  return false;
}

function createHost(ctx: RouteContext, req: SimRequest, params: readonly string[]): SimResponse {
  const id = idParam(params[0]);
  const inventory = id === undefined ? undefined : ctx.store.inventories.get(id);
  if (inventory === undefined) return notFound();
  if (typeof req.body === 'object' && req.body !== null && 'id' in req.body) {
    return badRequest({ msg: 'The AWX simulator does not attach existing hosts by id.' });
  }
  const fields = hostFields(req.body, false);
  if (isResponse(fields)) return fields;
  const name = fields.name ?? '';
  if (nameTaken(ctx, inventory.id, name)) return badRequest(DUPLICATE_HOST);
  const host = ctx.store.addHost(inventory.id, { ...fields, name });
  return json(201, hostJson(req.prefix, ctx.store, host), {
    location: `${req.origin}${req.prefix}hosts/${host.id}/`,
  });
}

function withHost(
  handler: (ctx: RouteContext, req: SimRequest, host: AwxSimHost) => SimResponse,
): (ctx: RouteContext, req: SimRequest, params: readonly string[]) => SimResponse {
  return (ctx, req, params) => {
    const id = idParam(params[0]);
    const host = id === undefined ? undefined : ctx.store.hosts.get(id);
    return host === undefined ? notFound() : handler(ctx, req, host);
  };
}

function patchHost(ctx: RouteContext, req: SimRequest, host: AwxSimHost): SimResponse {
  const fields = hostFields(req.body, true);
  if (isResponse(fields)) return fields;
  if (fields.name !== undefined && nameTaken(ctx, host.inventory, fields.name, host.id)) {
    return badRequest(DUPLICATE_HOST);
  }
  Object.assign(host, fields, { modified: ctx.store.now() });
  return json(200, hostJson(req.prefix, ctx.store, host));
}

export const inventoryRoutes: Route[] = [
  {
    pattern: /^organizations\/$/,
    methods: {
      GET: (ctx, req) =>
        paginate(
          req,
          [...ctx.store.organizations.values()].map((o) => organizationJson(req.prefix, o)),
        ),
    },
  },
  {
    pattern: /^organizations\/([^/]+)\/$/,
    methods: {
      GET: (ctx, req, params) => {
        const org = ctx.store.organizations.get(idParam(params[0]) ?? 0);
        return org === undefined ? notFound() : json(200, organizationJson(req.prefix, org));
      },
    },
  },
  {
    pattern: /^inventories\/$/,
    methods: {
      GET: (ctx, req) =>
        paginate(
          req,
          [...ctx.store.inventories.values()].map((inv) => inventoryJson(req.prefix, ctx.store, inv)),
        ),
    },
  },
  {
    pattern: /^inventories\/([^/]+)\/$/,
    methods: {
      GET: (ctx, req, params) => {
        const inv = ctx.store.inventories.get(idParam(params[0]) ?? 0);
        return inv === undefined ? notFound() : json(200, inventoryJson(req.prefix, ctx.store, inv));
      },
    },
  },
  {
    pattern: /^inventories\/([^/]+)\/hosts\/$/,
    methods: {
      GET: (ctx, req, params) => {
        const id = idParam(params[0]);
        if (id === undefined || !ctx.store.inventories.has(id)) return notFound();
        const hosts = [...ctx.store.hosts.values()].filter((h) => h.inventory === id);
        return paginate(
          req,
          hosts.map((h) => hostJson(req.prefix, ctx.store, h)),
          { defaultOrder: 'name' },
        );
      },
      POST: createHost,
    },
  },
  {
    pattern: /^hosts\/$/,
    methods: {
      GET: (ctx, req) =>
        paginate(
          req,
          [...ctx.store.hosts.values()].map((h) => hostJson(req.prefix, ctx.store, h)),
          {
            defaultOrder: 'name',
          },
        ),
    },
  },
  {
    pattern: /^hosts\/([^/]+)\/$/,
    methods: {
      GET: withHost((ctx, req, host) => json(200, hostJson(req.prefix, ctx.store, host))),
      PATCH: withHost(patchHost),
      DELETE: withHost((ctx, _req, host) => {
        ctx.store.hosts.delete(host.id);
        return { status: 204 };
      }),
    },
  },
];
