/**
 * The APIC simulator's HTTP server: the part of Cisco APIC's REST API that OO's gateway uses to list
 * ACI EPGs (endpoint groups, the networks VMs attach to in an ACI fabric) as inventory networks.
 *
 * Confirmed from public material (Cisco APIC REST API Configuration Guide 4.2(x) and later, "Using
 * the REST API"; Cisco's and the community's clients: Ansible's cisco.aci tests, pyaci, acicobra
 * users, the ACI pre-upgrade validation script):
 * - `POST /api/aaaLogin.json` with `{"aaaUser":{"attributes":{"name","pwd"}}}` answers the token
 *   both as `imdata[0].aaaLogin.attributes.token` and as a `Set-Cookie: APIC-cookie=<token>`; the
 *   attributes include `refreshTimeoutSeconds` (600 by default here; configurable on APIC) and
 *   `userName`; later calls send `Cookie: APIC-cookie=<token>`; `aaaRefresh` and `aaaLogout` exist.
 * - Every answer is `{"totalCount":"<n as a string>","imdata":[...]}`, each item `{<class>:
 *   {"attributes":{...}}}`; an error is one `{"error":{"attributes":{"code","text"}}}` item.
 * - A wrong password: 401 `Username or password is incorrect - FAILED local authentication`;
 *   an expired token: 403 `Token was invalid (Error: Token timeout)`; an unknown class: 400
 *   `Request failed, unresolved class for <class>`.
 * - Class queries `GET /api/class/<class>.json` (also `/api/node/class/...`) page with `page-size`
 *   and `page`, pages counted from 0, and totalCount is the count of all objects, not of the page.
 * - An EPG's dn is `uni/tn-<tenant>/ap-<app>/epg-<name>`; names are 1-64 of `a-zA-Z0-9_.:-`.
 * Assumed (not found in public material, or simplified):
 * - The same 403 text for a missing, unknown or logged-out token as for a timed-out one (a real
 *   APIC words a missing cookie differently); a token lives `tokenTimeoutSeconds` from its issue,
 *   used or not, and `aaaRefresh` replaces it with a fresh one, ending the old.
 * - The texts of 400 (malformed login or logout body, bad page-size or page), 404 (unknown path,
 *   where APIC's web server may answer HTML) and 405; the attributes besides token,
 *   refreshTimeoutSeconds and userName, and fvAEPg's beyond those the gateway reads; the login's
 *   children (user domains) are left out.
 * - Objects are sorted by dn unless `order-by` (`<class>.<attribute>|asc|desc`) says otherwise; an
 *   `order-by` naming another class or an attribute the objects lack is a 400 (its text assumed);
 *   `query-target-filter` is not implemented and is ignored.
 * Order of handling: injected fault -> 404/405 -> token (403) -> operation.
 */
import { createFaultRegistry } from '../faults.js';
import { createRequestLog } from '../request-log.js';
import { type SimHandle, type SimIncoming, type SimListenOptions, serve } from '../serve.js';
import { type AciSimulatorControl, createControl } from './control.js';
import { buildClasses, DEFAULT_ACI_SEED } from './objects.js';
import { apicError, faultResponse } from './responses.js';
import type { RouteContext } from './route.js';
import { dispatch } from './router.js';
import { createTokens } from './tokens.js';
import type { AciSimRequestRecord, AciSimSeed, AciSimUser } from './types.js';

/**
 * `tls`: every APIC serves HTTPS (HTTP is off by default there), usually with a self-signed
 * certificate that clients must be given.
 */
export interface AciSimulatorOptions extends SimListenOptions {
  /** Accounts accepted by aaaLogin (default admin / password). */
  users?: readonly AciSimUser[];
  /** The EPGs (default DEFAULT_ACI_SEED). */
  seed?: AciSimSeed;
  /** A token lives this long from its login or refresh (seconds, default 600; fractions allowed for tests). */
  tokenTimeoutSeconds?: number;
}

export type AciSimulator = SimHandle<AciSimulatorControl>;

/** Starts a protocol-faithful APIC class-query API on a real port. */
export async function startAciSimulator(options: AciSimulatorOptions = {}): Promise<AciSimulator> {
  const users = options.users ?? [{ username: 'admin', password: 'password' }];
  const first = users[0];
  if (first === undefined) throw new Error('aci simulator: users must not be empty');
  const timeoutSeconds = options.tokenTimeoutSeconds ?? 600;
  if (!(timeoutSeconds > 0)) throw new Error('aci simulator: tokenTimeoutSeconds must be > 0');

  let classes = buildClasses(options.seed ?? DEFAULT_ACI_SEED);
  const tokens = createTokens({ timeoutSeconds });
  const faults = createFaultRegistry('aci simulator');
  const requestLog = createRequestLog<AciSimRequestRecord>();
  const control = createControl({
    faults,
    tokens,
    requestLog,
    setSeed: (seed) => {
      classes = buildClasses(seed);
    },
  });
  const ctx: RouteContext = { tokens, users, classes: () => classes };

  const served = await serve({
    name: 'aci-sim',
    listen: options,
    faults,
    answer: (req) =>
      dispatch(ctx, {
        method: req.method,
        path: req.url.pathname,
        query: req.url.searchParams,
        cookie: apicCookie(req),
        body: parseBody(req.body),
      }),
    faultAnswer: faultResponse,
    internalError: () => apicError(500, 'Internal error'),
    record: (req, status) =>
      requestLog.add({ method: req.method, path: req.rawUrl, status, cookie: apicCookie(req) !== undefined }),
  });

  return { url: served.url, username: first.username, password: first.password, control, stop: served.stop };
}

/** The `APIC-cookie` cookie's value, among any others in `Cookie`. */
function apicCookie(req: SimIncoming): string | undefined {
  for (const pair of (req.headers.cookie ?? '').split(';')) {
    const eq = pair.indexOf('=');
    if (eq > 0 && pair.slice(0, eq).trim() === 'APIC-cookie') return pair.slice(eq + 1).trim();
  }
  return undefined;
}

function parseBody(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
