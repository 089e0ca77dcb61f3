/**
 * The gateway's client of vCenter's REST API (vSphere Automation `/api`, 7.0U2+ and 8): it logs in
 * (CIS session, HTTP Basic) and lists clusters, datastores and networks for the inventory. One
 * session is held and reused; a 401 on it means vCenter ended it (idle timeout, restart), so the
 * client logs in again once and repeats the lists.
 */
import type { InventoryLists } from '@oo/contracts';
import { z } from 'zod';
import { heldLogin, REFUSED } from './held-login.js';
import { type InventorySystem, inventoryHttp } from './inventory-http.js';
import { LISTS, type ListKind, mapClusters, mapDatastores, mapNetworks } from './vcenter-lists.js';

export interface VcenterClientOptions {
  /** Origin, e.g. `https://vc.example`; a trailing slash or `/api` is tolerated. */
  url: string;
  username: string;
  /** Never logged, never in an error message or details. */
  password: string;
  /** Per HTTP call (ms, default 10 000). */
  timeoutMs?: number;
  /** A CA certificate (PEM) to trust besides Node's own, for vCenter's certificate (VMCA). */
  ca?: string;
  /** Tries of a call that fails with a network error, a timeout or a 5xx (default 3; backoff 100 ms, 300 ms). */
  maxAttempts?: number;
}

export interface VcenterClient {
  /** `vcenter:<origin>`: what errors name as `details.source`, and the inventory as its source. */
  readonly source: string;
  /**
   * Lists clusters, datastores and networks (three GETs in parallel), logging in first when no
   * session is held; a 401 on a held session logs in again once and repeats. Concurrent calls share
   * one login. Throws OO_ERR_INVENTORY_UNAVAILABLE (`details.source` `vcenter:<origin>`), not
   * retryable for refused credentials, a refused request or an answer OO cannot read; throws
   * `signal.reason` when `signal` aborts.
   */
  lists(signal?: AbortSignal): Promise<InventoryLists>;
  /** Deletes the held session (DELETE /api/session), best effort: never throws. */
  close(): Promise<void>;
}

const VapiError = z.looseObject({ error_type: z.string() });

/** vAPI's `error_type` (UNAUTHENTICATED, NOT_FOUND, ...) of an error answer, when it has one. */
function errorTypeOf(body: unknown): string | undefined {
  const parsed = VapiError.safeParse(body);
  return parsed.success ? parsed.data.error_type : undefined;
}

const VCENTER: InventorySystem = {
  label: 'vCenter',
  scheme: 'vcenter',
  errorOf(body) {
    const errorType = errorTypeOf(body);
    return errorType === undefined ? undefined : { text: errorType, details: { errorType } };
  },
  refusal: (status, error) => `${status} ${error.text}`,
};

const SESSION_PATH = '/api/session';
const SESSION_HEADER = 'vmware-api-session-id';
const SessionId = z.string().min(1);

/** Throws OO_ERR_CONFIG_INVALID when `url` is not an absolute http(s) URL. */
export function vcenterClient(options: VcenterClientOptions): VcenterClient {
  // Not the whole options: the password stays out of the HTTP layer.
  const { url, timeoutMs, maxAttempts, ca } = options;
  const http = inventoryHttp({ system: VCENTER, url, timeoutMs, maxAttempts, ca });
  const basic = `Basic ${Buffer.from(`${options.username}:${options.password}`).toString('base64')}`;

  const { fail, refusal } = http;

  async function login(): Promise<string> {
    const answer = await http.call({ method: 'POST', path: SESSION_PATH, headers: { authorization: basic } });
    if (answer.status === 401) {
      throw fail(`refused the credentials of ${options.username} (${refusal(answer)})`, false, answer);
    }
    if (answer.status !== 200 && answer.status !== 201) {
      throw fail(`answered ${refusal(answer)} to POST ${SESSION_PATH}`, answer.status === 429, answer);
    }
    const id = SessionId.safeParse(answer.body);
    if (!id.success) throw fail(`answered POST ${SESSION_PATH} without a session id`, false, answer);
    return id.data;
  }
  const session = heldLogin(login);

  /** The three lists with one session; REFUSED when vCenter no longer knows it. */
  async function listWith(
    id: string,
    signal: AbortSignal | undefined,
  ): Promise<InventoryLists | typeof REFUSED> {
    // When one list fails, the others stop rather than retry for nothing.
    const batch = new AbortController();
    const both = signal === undefined ? batch.signal : AbortSignal.any([signal, batch.signal]);
    const get = async (kind: ListKind): Promise<unknown[] | typeof REFUSED> => {
      const { path, plural } = LISTS[kind];
      const answer = await http.call({ method: 'GET', path, headers: { [SESSION_HEADER]: id } }, both);
      if (answer.status === 401) return REFUSED;
      if (answer.status === 400 && errorTypeOf(answer.body) === 'UNABLE_TO_ALLOCATE_RESOURCE') {
        throw fail(`lists more than 1000 ${plural} (UNABLE_TO_ALLOCATE_RESOURCE)`, false, answer);
      }
      if (answer.status !== 200) {
        throw fail(`answered ${refusal(answer)} to GET ${path}`, answer.status === 429, answer);
      }
      if (!Array.isArray(answer.body)) {
        throw fail(`answered GET ${path} with a body that is not a list`, false, answer);
      }
      return answer.body;
    };
    const settle = (kind: ListKind) =>
      get(kind).catch((error: unknown) => {
        batch.abort();
        throw error;
      });
    const [clusters, datastores, networks] = await Promise.all([
      settle('cluster'),
      settle('datastore'),
      settle('network'),
    ]);
    if (clusters === REFUSED || datastores === REFUSED || networks === REFUSED) return REFUSED;
    const unreadable = (path: string, issue: string) =>
      fail(`answered GET ${path} with a body OO cannot read (${issue})`, false);
    return {
      clusters: mapClusters(clusters, unreadable),
      datastores: mapDatastores(datastores, unreadable),
      networks: mapNetworks(networks, unreadable),
    };
  }

  return {
    source: http.source,
    async lists(signal) {
      signal?.throwIfAborted();
      const lists = await session.use(signal, (id) => listWith(id, signal));
      if (lists !== REFUSED) return lists;
      throw fail(`refused a new session of ${options.username} (401 UNAUTHENTICATED)`, true);
    },
    async close() {
      const held = await session.release();
      if (held !== undefined) {
        await http
          .call({ method: 'DELETE', path: SESSION_PATH, headers: { [SESSION_HEADER]: held } }, undefined, 1)
          .catch(() => undefined);
      }
      await http.close();
    },
  };
}
