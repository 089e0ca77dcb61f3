/**
 * The vCenter simulator's HTTP server: the read-only part of the vSphere Automation REST API
 * (vSphere 7.0U2+ and 8, the `/api` endpoints, not the legacy `/rest`) that OO's gateway uses to
 * list inventory. Public docs, developer.broadcom.com, vSphere Automation API 8.0:
 * - CIS Session: `POST /api/session` (HTTP Basic -> 201 with the id as a JSON string),
 *   `GET /api/session`, `DELETE /api/session`; other calls send `vmware-api-session-id`.
 * - vcenter cluster / datastore / network "List": `GET /api/vcenter/{cluster,datastore,network}`
 *   with `names` and `types` filters, at most 1000 results (more is UNABLE_TO_ALLOCATE_RESOURCE).
 * Errors are vAPI bodies `{error_type, messages: [{args, default_message, id}]}`.
 * Order of handling: injected fault -> 404/405 -> session (401) -> operation.
 */
import { createFaultRegistry } from '../faults.js';
import { createRequestLog } from '../request-log.js';
import { type SimHandle, type SimListenOptions, serve } from '../serve.js';
import { createControl, type VcenterSimulatorControl } from './control.js';
import { buildInventory, DEFAULT_VCENTER_SEED } from './inventory.js';
import { faultResponse, json } from './responses.js';
import type { RouteContext } from './route.js';
import { dispatch } from './router.js';
import { createSessions } from './sessions.js';
import type { VcenterSimRequestRecord, VcenterSimSeed, VcenterSimUser } from './types.js';

/**
 * `tls`: every vCenter serves HTTPS, usually with a certificate of its own CA (VMCA) that clients
 * must be given.
 */
export interface VcenterSimulatorOptions extends SimListenOptions {
  /** Accounts accepted by `POST /api/session` (default administrator@vsphere.local / password). */
  users?: readonly VcenterSimUser[];
  /** Clusters, datastores and networks (default DEFAULT_VCENTER_SEED). */
  seed?: VcenterSimSeed;
  /** A session unused this long is gone (ms, default 30 min as in vCenter). */
  sessionIdleMs?: number;
}

export type VcenterSimulator = SimHandle<VcenterSimulatorControl>;

/** Starts a protocol-faithful vCenter list API on a real port. */
export async function startVcenterSimulator(
  options: VcenterSimulatorOptions = {},
): Promise<VcenterSimulator> {
  const users = options.users ?? [{ username: 'administrator@vsphere.local', password: 'password' }];
  const first = users[0];
  if (first === undefined) throw new Error('vcenter simulator: users must not be empty');

  let inventory = buildInventory(options.seed ?? DEFAULT_VCENTER_SEED);
  const sessions = createSessions({ idleMs: options.sessionIdleMs ?? 30 * 60_000 });
  const faults = createFaultRegistry('vcenter simulator');
  const requestLog = createRequestLog<VcenterSimRequestRecord>();
  const control = createControl({
    faults,
    sessions,
    requestLog,
    setSeed: (seed) => {
      inventory = buildInventory(seed);
    },
  });
  const ctx: RouteContext = { sessions, users, inventory: () => inventory };
  const sessionIdOf = (headers: { [name: string]: string | string[] | undefined }) => {
    const header = headers['vmware-api-session-id'];
    return typeof header === 'string' ? header : undefined;
  };

  const served = await serve({
    name: 'vcenter-sim',
    listen: options,
    faults,
    // No operation reads a body.
    answer: (req) =>
      dispatch(ctx, {
        method: req.method,
        path: req.url.pathname,
        query: req.url.searchParams,
        authorization: req.headers.authorization,
        sessionId: sessionIdOf(req.headers),
      }),
    faultAnswer: faultResponse,
    internalError: () => json(500, { error_type: 'ERROR', messages: [] }),
    record: (req, status) =>
      requestLog.add({
        method: req.method,
        path: req.rawUrl,
        status,
        sessionId: sessionIdOf(req.headers) !== undefined,
      }),
  });

  return { url: served.url, username: first.username, password: first.password, control, stop: served.stop };
}
