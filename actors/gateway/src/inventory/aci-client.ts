/**
 * The gateway's client of Cisco APIC's REST API: it logs in (aaaLogin, the token sent back in the
 * `APIC-cookie` cookie) and lists the fabric's EPGs (`fvAEPg`), the networks VMs attach to in an
 * ACI data centre, as inventory networks. One token is held and reused; a 403 on it means APIC no
 * longer takes it (token timeout, logout), so the client logs in again once and reads again.
 */
import type { InventoryNetwork } from '@oo/contracts';
import { apicErrorOf, mapEpgs, pageOf, tokenOf } from './aci-lists.js';
import { heldLogin, REFUSED } from './held-login.js';
import { type InventorySystem, inventoryHttp } from './inventory-http.js';

export interface AciClientOptions {
  /** Origin, e.g. `https://apic.example`; a trailing slash or `/api` is tolerated. */
  url: string;
  username: string;
  /** Never logged, never in an error message or details. */
  password: string;
  /** A CA certificate (PEM) to trust besides Node's own, for APIC's (often self-signed) certificate. */
  ca?: string;
  /** Per HTTP call (ms, default 10 000). */
  timeoutMs?: number;
  /** Tries of a call that fails with a network error, a timeout or a 5xx (default 3; backoff 100 ms, 300 ms). */
  maxAttempts?: number;
}

export interface AciClient {
  /** `aci:<origin>`: what errors name as `details.source`, and the inventory as its source. */
  readonly source: string;
  /**
   * Every EPG as a network `{ name, id: dn, type: 'ACI_EPG' }`, sorted by dn, read in pages of 500
   * until totalCount is reached; logs in first when no token is held, and once again on a 403.
   * Concurrent calls share one login. When totalCount changes between pages (EPGs added or removed
   * meanwhile) it reads again from page 0, once. Throws OO_ERR_INVENTORY_UNAVAILABLE
   * (`details.source` `aci:<origin>`), not retryable for refused credentials, a refused query or an
   * answer OO cannot read; throws `signal.reason` when `signal` aborts.
   */
  networks(signal?: AbortSignal): Promise<InventoryNetwork[]>;
  /** Logs the held token out (aaaLogout), best effort: never throws; the client works again after. */
  close(): Promise<void>;
}

const APIC: InventorySystem = {
  label: 'APIC',
  scheme: 'aci',
  errorOf: apicErrorOf,
  refusal: (status, error) => `${status}: ${error.text}`,
};

const LOGIN_PATH = '/api/aaaLogin.json';
const LOGOUT_PATH = '/api/aaaLogout.json';
const EPG_PATH = '/api/class/fvAEPg.json';
const PAGE_SIZE = 500;

/** A read of every page with one token, or why it stopped short. */
type Read =
  | { kind: 'read'; items: unknown[] }
  | { kind: 'changed'; from: number; to: number }
  | typeof REFUSED;

/** Throws OO_ERR_CONFIG_INVALID when `url` is not an absolute http(s) URL. */
export function aciClient(options: AciClientOptions): AciClient {
  // Not the whole options: the password stays out of the HTTP layer.
  const { url, timeoutMs, maxAttempts, ca } = options;
  const http = inventoryHttp({ system: APIC, url, timeoutMs, maxAttempts, ca });
  const { fail, refusal } = http;
  const cookie = (token: string) => ({ cookie: `APIC-cookie=${token}` });
  const user = (attributes: Record<string, string>) => ({ aaaUser: { attributes } });

  async function login(): Promise<string> {
    const json = user({ name: options.username, pwd: options.password });
    const answer = await http.call({ method: 'POST', path: LOGIN_PATH, headers: {}, json });
    if (answer.status === 401) {
      throw fail(`refused the credentials of ${options.username} (${refusal(answer)})`, false, answer);
    }
    if (answer.status !== 200) {
      throw fail(`answered ${refusal(answer)} to POST ${LOGIN_PATH}`, answer.status === 429, answer);
    }
    const token = tokenOf(answer.body);
    if (token === undefined) throw fail(`answered POST ${LOGIN_PATH} without a token`, false, answer);
    return token;
  }
  const session = heldLogin(login);

  /** Pages 0, 1, ... with one token until totalCount EPGs are read. */
  async function readPages(token: string, signal: AbortSignal | undefined): Promise<Read> {
    const items: unknown[] = [];
    let total: number | undefined;
    for (let page = 0; total === undefined || items.length < total; page++) {
      // Ordered explicitly: pages of a query APIC is free to order differently could skip or repeat EPGs.
      const path = `${EPG_PATH}?order-by=fvAEPg.dn|asc&page-size=${PAGE_SIZE}&page=${page}`;
      const answer = await http.call({ method: 'GET', path, headers: cookie(token) }, signal);
      if (answer.status === 403) return REFUSED;
      if (answer.status !== 200) {
        throw fail(`answered ${refusal(answer)} to GET ${path}`, answer.status === 429, answer);
      }
      const { totalCount, imdata } = pageOf(answer.body, (issue) =>
        fail(`answered GET ${path} with a body OO cannot read (${issue})`, false),
      );
      if (total !== undefined && totalCount !== total)
        return { kind: 'changed', from: total, to: totalCount };
      total = totalCount;
      // Fewer EPGs than announced: some went away between pages without the count saying so yet.
      if (imdata.length === 0 && items.length < total)
        return { kind: 'changed', from: total, to: items.length };
      items.push(...imdata);
    }
    if (items.length > total) return { kind: 'changed', from: total, to: items.length };
    return { kind: 'read', items };
  }

  return {
    source: http.source,
    async networks(signal) {
      signal?.throwIfAborted();
      for (let pass = 1; ; pass++) {
        const read = await session.use(signal, (token) => readPages(token, signal));
        if (read === REFUSED) throw fail(`refused a new token of ${options.username} (403)`, true);
        if (read.kind === 'read') {
          return mapEpgs(read.items, (issue) =>
            fail(`answered GET ${EPG_PATH} with an EPG OO cannot read (${issue})`, false),
          );
        }
        if (pass === 2) {
          throw fail(
            `changed its EPGs while OO read them, twice (totalCount ${read.from}, then ${read.to})`,
            true,
          );
        }
      }
    },
    async close() {
      const held = await session.release();
      if (held !== undefined) {
        const json = user({ name: options.username });
        await http
          .call({ method: 'POST', path: LOGOUT_PATH, headers: cookie(held), json }, undefined, 1)
          .catch(() => undefined);
      }
      await http.close();
    },
  };
}
