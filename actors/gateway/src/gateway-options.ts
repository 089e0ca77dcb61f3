/**
 * The gateway's options, in a module that loads no fastify (`@oo/gateway/options`): `oo`'s
 * configuration validates its `gateway` section with `GatewayConfig` without pulling in the HTTP
 * stack, and the actor's `GatewayOptions` add what only code can pass. Each rule and default of a
 * key an operator sets is written here once.
 */
import { isIP } from 'node:net';
import { KEEP_ENDED_REQUESTS_MS } from '@oo/contracts';
import type { ReadModel } from '@oo/read-model';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { z } from 'zod';
import type { TemplateInfo } from './gateway-deps.js';

const KIB = 1024;

/** What `onListening` receives once the server listens. */
export interface GatewayListening {
  /** Base URL of the bound server, e.g. `http://127.0.0.1:8080`. */
  readonly url: string;
  /** Calls the app in memory, without a socket (fastify's `inject`), for tests and the CLI. */
  readonly inject: (options: InjectOptions | string) => Promise<LightMyRequestResponse>;
}

/** fastify's (proxy-addr's) names for whole ranges: 127.0.0.0/8 and ::1, 169.254.0.0/16 and fe80::/10, private. */
const RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/**
 * An address, a CIDR range or a range name, as fastify compiles `trustProxy`; a /0, which it
 * refuses, is refused here too, and so is its netmask form (10.0.0.0/255.0.0.0), to keep one way.
 */
function isProxyAddress(value: string): boolean {
  if (RANGE_NAMES.has(value)) return true;
  const [address = '', prefix, ...more] = value.split('/');
  const family = isIP(address);
  if (family === 0 || more.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) >= 1 && Number(prefix) <= (family === 4 ? 32 : 128);
}

const ProxyAddresses = z
  .array(
    z
      .string()
      .trim()
      .refine(isProxyAddress, {
        error: (issue) =>
          `${JSON.stringify(issue.input)} is not an IP address, a CIDR range (/1 or longer), loopback, linklocal or uniquelocal`,
      }),
  )
  .min(1, 'name at least one proxy address, or set false');

/**
 * Whose X-Forwarded-For to believe: false (nobody: the client address is the TCP peer's), true
 * (everybody: the first address of the header, which any client can write), or the proxies'
 * addresses (a list, or a comma-separated string as an environment variable gives it): the client
 * is the nearest hop that is not one of them. A hop count is refused: fastify ignores it.
 */
const TrustProxy = z.union(
  [
    z.boolean(),
    ProxyAddresses,
    z
      .string()
      .transform((s) => s.split(','))
      .pipe(ProxyAddresses),
  ],
  {
    error: (issue) =>
      typeof issue.input === 'number'
        ? "a hop count is not accepted (fastify ignores it: it cannot tell a proxy from a client that reaches the gateway directly); list the proxies' addresses"
        : "must be false, true or the proxies' addresses (IP addresses or CIDR ranges)",
  },
);

/** How the gateway reaches a system it reads the inventory from (vCenter, APIC). */
const InventoryEndpoint = z
  .object({
    /** The origin, e.g. https://vc.example.com. */
    url: z.url({ protocol: /^https?$/ }),
    /** A read-only account is enough: OO only lists. */
    username: z.string().min(1),
    password: z.string().min(1),
    /** Per HTTP call (ms). */
    timeoutMs: z.number().int().min(100).max(120_000).default(10_000),
    /** A PEM file of the CA to trust besides Node's own: both usually sign with a CA of their own. */
    caFile: z.string().min(1).optional(),
  })
  .strict();

/**
 * Where the inventory (clusters, datastores, networks) is read from, read-only: a JSON file or
 * vCenter, not both, and the networks from Cisco ACI where it manages them. Admins see it beside the policy (`GET /v1/inventory`), and a policy change that
 * brings in a name it lacks is refused. Without it, neither.
 */
export const InventoryConfig = z
  .object({
    /** A JSON file in the format of `InventoryLists` (contracts/src/inventory.ts). */
    file: z.string().min(1).optional(),
    /** vCenter's REST API (vSphere 7.0U2 or later); its CA is VMCA (`https://<vcenter>/certs/download.zip`). */
    vcenter: InventoryEndpoint.optional(),
    /** Cisco APIC: when set, the networks are its EPGs instead of the file's or vCenter's. */
    aci: InventoryEndpoint.optional(),
    /** How long a read is kept before the source is asked again (ms). */
    cacheMs: z.number().int().min(0).max(3_600_000).default(60_000),
  })
  .strict()
  .refine((c) => (c.file === undefined) !== (c.vcenter === undefined), {
    message: 'set either file or vcenter (one source)',
  });
export type InventoryConfig = z.output<typeof InventoryConfig>;

/** The keys of `oo`'s `gateway` section: what an operator sets, all plain JSON. */
export const GatewayConfig = z
  .object({
    host: z.string().min(1).default('127.0.0.1'),
    /** 0 picks a free port (tests); see `onListening`. */
    port: z.number().int().min(0).max(65_535).default(7070),
    /** How clients reach the gateway (behind a proxy); links in answers are relative without it. */
    publicUrl: z.url({ protocol: /^https?$/ }).optional(),
    /**
     * Where a request's trace is shown (Jaeger: `http://jaeger:16686/trace/{traceId}`): a request's
     * `links.trace`, the web UI's link to it. Without it, no trace link.
     */
    traceUrl: z
      .string()
      .regex(
        /^https?:\/\/[^\s]*\{traceId\}[^\s]*$/,
        'must be an http(s) URL holding {traceId}, like http://jaeger:16686/trace/{traceId}',
      )
      .optional(),
    /** Largest request body accepted (bytes); larger ones get 413. */
    bodyLimitBytes: z
      .number()
      .int()
      .positive()
      .default(256 * KIB),
    /** Calls per minute per API token and gateway instance; beyond, 429. */
    rateLimitPerMinute: z.number().int().positive().default(600),
    /**
     * Failed authentications per minute from one client address before its calls get 429 for the
     * rest of the minute, valid tokens included (0 = no limit); the address is `request.ip` (trustProxy).
     */
    authFailuresPerMinute: z.number().int().min(0).default(60),
    /** How long a client may take to send a whole request, headers and body (ms); a slower one gets 408. */
    requestTimeoutMs: z.number().int().min(100).max(600_000).default(30_000),
    /** How long a found API token is trusted before the database is asked again (ms; 0 = every call). */
    tokenCacheMs: z.number().int().min(0).max(60_000).default(5_000),
    /** Whose X-Forwarded-For names the client address (`request.ip`); default false: nobody's. */
    trustProxy: TrustProxy.default(false),
    inventory: InventoryConfig.optional(),
  })
  .strict();
export type GatewayConfig = z.input<typeof GatewayConfig>;

const isFunction = (value: unknown) => typeof value === 'function';

export const GatewayOptions = GatewayConfig.extend({
  readModel: z.custom<ReadModel>(
    (v) => typeof v === 'object' && v !== null && isFunction((v as ReadModel).getRequest),
    'must be an open ReadModel',
  ),
  templates: z.custom<() => Promise<readonly TemplateInfo[]>>(isFunction).optional(),
  catalog: z.array(z.string()).optional(),
  /**
   * The resource types requests may ask for and how (the requests actor's `requests.templates`:
   * a template per type, managed and unmanaged), so a form offers what would be run. Default: both
   * types, VMs either way, DNS records unmanaged.
   */
  resourceTypes: z
    .record(z.string(), z.object({ managed: z.boolean(), unmanaged: z.boolean() }).strict())
    .default({
      virtual_machine: { managed: true, unmanaged: true },
      dns_record: { managed: false, unmanaged: true },
    }),
  /**
   * How long the requests actor keeps an ended request's record (ms; its `keepEndedRequestsMs`):
   * a rerun of a request that ended longer ago is refused here, not dead-lettered there.
   */
  keepEndedRequestsMs: z.number().int().positive().default(KEEP_ENDED_REQUESTS_MS),
  /** SSE keep-alive comment interval (ms). */
  heartbeatMs: z.number().int().min(100).default(15_000),
  /** How long an event stream waits for a request the read model does not know yet (ms). */
  followGraceMs: z.number().int().min(0).max(60_000).default(5_000),
  onListening: z.custom<(listening: GatewayListening) => void>(isFunction).optional(),
}).strict();
export type GatewayOptions = z.input<typeof GatewayOptions>;
