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
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';
import { createFaultRegistry } from '../faults.js';
import { listen } from '../listen.js';
import { createControl, type VcenterSimulatorControl } from './control.js';

import { buildInventory, DEFAULT_VCENTER_SEED } from './inventory.js';
import { faultResponse, json, type SimResponse } from './responses.js';
import type { RouteContext } from './route.js';
import { dispatch } from './router.js';
import { createSessions } from './sessions.js';
import type { VcenterSimRequestRecord, VcenterSimSeed, VcenterSimUser } from './types.js';

export interface VcenterSimulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /**
   * Serve HTTPS with this key and certificate (PEM), as every vCenter does, usually with a
   * certificate of its own CA (VMCA) that clients must be given; plain HTTP without.
   */
  tls?: { key: string; cert: string };
  /** Interface to listen on (default 127.0.0.1). */
  host?: string;
  /** Accounts accepted by `POST /api/session` (default administrator@vsphere.local / password). */
  users?: readonly VcenterSimUser[];
  /** Clusters, datastores and networks (default DEFAULT_VCENTER_SEED). */
  seed?: VcenterSimSeed;
  /** A session unused this long is gone (ms, default 30 min as in vCenter). */
  sessionIdleMs?: number;
  /** One line per request; silent by default. */
  log?: (line: string) => void;
}

export interface VcenterSimulator {
  /** Origin, e.g. `http://127.0.0.1:40123` (no path). */
  readonly url: string;
  /** The first user's account. */
  readonly username: string;
  readonly password: string;
  readonly control: VcenterSimulatorControl;
  /** Drops open connections (and answers held by a delay fault) and closes the server. */
  stop(): Promise<void>;
}

const REQUEST_LOG_LIMIT = 10_000;

/** Starts a protocol-faithful vCenter list API on a real port. */
export async function startVcenterSimulator(
  options: VcenterSimulatorOptions = {},
): Promise<VcenterSimulator> {
  const users = options.users ?? [{ username: 'administrator@vsphere.local', password: 'password' }];
  const first = users[0];
  if (first === undefined) throw new Error('vcenter simulator: users must not be empty');
  const log = options.log ?? (() => {});

  let inventory = buildInventory(options.seed ?? DEFAULT_VCENTER_SEED);
  const sessions = createSessions({ idleMs: options.sessionIdleMs ?? 30 * 60_000 });
  const faults = createFaultRegistry('vcenter simulator');
  const requestLog: VcenterSimRequestRecord[] = [];
  const control = createControl({
    faults,
    sessions,
    requestLog,
    setSeed: (seed) => {
      inventory = buildInventory(seed);
    },
  });
  const ctx: RouteContext = { sessions, users, inventory: () => inventory };
  // Ends the wait of delay faults on stop, so no timer outlives the server.
  const stopping = new AbortController();

  function record(entry: VcenterSimRequestRecord): void {
    requestLog.push(entry);
    if (requestLog.length > REQUEST_LOG_LIMIT) requestLog.shift();
    log(`vcenter-sim ${entry.method} ${entry.path} -> ${entry.status}`);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const rawUrl = req.url ?? '/';
    const url = new URL(rawUrl, 'http://sim.invalid');
    const sessionHeader = req.headers['vmware-api-session-id'];
    const sessionId = typeof sessionHeader === 'string' ? sessionHeader : undefined;
    // No operation reads a body; drain it so the connection can be reused.
    for await (const _chunk of req);

    const fault = faults.take(method, url.pathname);
    if (fault?.kind === 'drop') {
      record({ method, path: rawUrl, status: 'drop', sessionId: sessionId !== undefined });
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'delay') {
      const waited = await sleep(fault.delayMs, true, { signal: stopping.signal }).catch(() => false);
      if (!waited) return;
    }
    const response =
      fault?.kind === 'status'
        ? faultResponse(fault.status)
        : dispatch(ctx, {
            method,
            path: url.pathname,
            query: url.searchParams,
            authorization: req.headers.authorization,
            sessionId,
          });
    record({ method, path: rawUrl, status: response.status, sessionId: sessionId !== undefined });
    send(res, response);
  }

  const listener = (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch((error: unknown) => {
      log(`vcenter-sim internal error: ${error instanceof Error ? error.stack : String(error)}`);
      if (!res.headersSent) send(res, json(500, { error_type: 'ERROR', messages: [] }));
    });
  };
  const server = options.tls ? createTlsServer(options.tls, listener) : createServer(listener);
  const url = await listen(server, options.port, options.host);

  return {
    url,
    username: first.username,
    password: first.password,
    control,
    async stop() {
      stopping.abort();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}

function send(res: ServerResponse, response: SimResponse): void {
  if (res.destroyed) return;
  if (response.body === undefined) {
    res.writeHead(response.status, { 'content-length': '0' });
    res.end();
    return;
  }
  const payload = JSON.stringify(response.body);
  res.writeHead(response.status, {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(payload)),
  });
  res.end(payload);
}
