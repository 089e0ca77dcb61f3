import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type AciSimulator, startAciSimulator } from '@oo/simulators';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AciClient, type AciClientOptions, aciClient } from '../src/inventory/aci-client.js';
import { everything, failure } from './fixtures/failures.js';
import { selfSignedCert } from './fixtures/self-signed.js';

const PASSWORD = 'Tr0ub4dor&3-not-in-errors';
const EPGS = /\/api\/class\/fvAEPg\.json/;

let sim: AciSimulator;
let clients: AciClient[];

beforeEach(async () => {
  sim = await startAciSimulator({ users: [{ username: 'admin', password: PASSWORD }] });
  clients = [];
});

afterEach(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await sim.stop();
});

function client(options: Partial<AciClientOptions> = {}): AciClient {
  const made = aciClient({ url: sim.url, username: sim.username, password: sim.password, ...options });
  clients.push(made);
  return made;
}

const statuses = (path: RegExp) => sim.control.requests({ path }).map((r) => r.status);

const manyEpgs = (count: number) =>
  Array.from({ length: count }, (_, i) => ({
    tenant: 'big',
    app: 'vms',
    name: `epg-${String(i).padStart(4, '0')}`,
  }));

/**
 * Restarts the simulator with `epgs` EPGs and runs `onFirstPage` each time it has answered a page 0,
 * before the client reads that answer: a change made there is seen by the following page.
 */
async function restartWith(epgs: number, onFirstPage: () => void): Promise<void> {
  await sim.stop();
  sim = await startAciSimulator({
    users: [{ username: 'admin', password: PASSWORD }],
    seed: { epgs: manyEpgs(epgs) },
    log: (line) => {
      if (/fvAEPg\.json\?order-by=fvAEPg\.dn\|asc&page-size=500&page=0 -> 200$/.test(line)) onFirstPage();
    },
  });
}

const pagesRead = () => sim.control.requests({ path: EPGS }).map((r) => r.path.replace(/.*&/, ''));

describe('aci client - networks', () => {
  it('aci client - maps every EPG to a network named as the EPG, with its dn as id and type ACI_EPG', async () => {
    expect(await client().networks()).toEqual([
      { name: 'DMZ', id: 'uni/tn-OO/ap-VMS/epg-DMZ', type: 'ACI_EPG' },
      { name: 'INTRANET_DEV', id: 'uni/tn-OO/ap-VMS/epg-INTRANET_DEV', type: 'ACI_EPG' },
      { name: 'INTRANET_PROD', id: 'uni/tn-OO/ap-VMS/epg-INTRANET_PROD', type: 'ACI_EPG' },
      { name: 'MGMT', id: 'uni/tn-infra/ap-ops/epg-MGMT', type: 'ACI_EPG' },
    ]);
  });

  it('aci client - reads 1,201 EPGs in three pages of at most 500', async () => {
    sim.control.setSeed({ epgs: manyEpgs(1201) });
    const networks = await client().networks();
    expect(networks).toHaveLength(1201);
    expect(new Set(networks.map((n) => n.id)).size).toBe(1201);
    expect(networks.at(-1)?.name).toBe('epg-1200');
    expect(sim.control.requests({ path: EPGS }).map((r) => r.path)).toEqual([
      '/api/class/fvAEPg.json?order-by=fvAEPg.dn|asc&page-size=500&page=0',
      '/api/class/fvAEPg.json?order-by=fvAEPg.dn|asc&page-size=500&page=1',
      '/api/class/fvAEPg.json?order-by=fvAEPg.dn|asc&page-size=500&page=2',
    ]);
  });

  it('aci client - reads an empty fabric with one GET', async () => {
    sim.control.setSeed({ epgs: [] });
    expect(await client().networks()).toEqual([]);
    expect(statuses(EPGS)).toEqual([200]);
  });

  it('aci client - reads again from page 0 when EPGs are added between pages', async () => {
    let size = 600;
    await restartWith(size, () => {
      if (size === 600) sim.control.setSeed({ epgs: manyEpgs(++size) });
    });
    expect(await client().networks()).toHaveLength(601);
    expect(pagesRead()).toEqual(['page=0', 'page=1', 'page=0', 'page=1']);
  });

  it('aci client - fails clearly when the EPGs change during the second read too', async () => {
    let size = 600;
    await restartWith(size, () => sim.control.setSeed({ epgs: manyEpgs(++size) }));
    const error = await failure(client().networks());
    expect(error.retryable).toBe(true);
    expect(error.message).toBe(
      `APIC ${sim.url} changed its EPGs while OO read them, twice (totalCount 601, then 602)`,
    );
    expect(pagesRead()).toEqual(['page=0', 'page=1', 'page=0', 'page=1']);
  });

  it('aci client - accepts the url with a trailing slash or /api', async () => {
    expect(await client({ url: `${sim.url}/` }).networks()).toHaveLength(4);
    expect(await client({ url: `${sim.url}/api/` }).networks()).toHaveLength(4);
  });

  it('aci client - refuses a url that is not http(s) without echoing it', () => {
    expect(() => client({ url: 'ftp://user:secret@apic.example' })).toThrow(
      expect.objectContaining({
        code: 'OO_ERR_CONFIG_INVALID',
        message: 'the APIC url is not an absolute http(s) URL',
      }),
    );
  });
});

describe('aci client - tokens', () => {
  it('aci client - logs in once and sends the token as APIC-cookie on every call', async () => {
    const apic = client();
    await apic.networks();
    await apic.networks();
    expect(sim.control.loginsMade()).toBe(1);
    expect(sim.control.requests({ path: EPGS }).every((r) => r.cookie && r.status === 200)).toBe(true);
  });

  it('aci client - logs in again once when the token has timed out, and succeeds', async () => {
    const apic = client();
    await apic.networks();
    sim.control.expireTokens();
    expect(await apic.networks()).toHaveLength(4);
    expect(sim.control.loginsMade()).toBe(2);
    expect(statuses(EPGS)).toEqual([200, 403, 200]);
  });

  it('aci client - logs in again when the token times out between pages, and reads from page 0', async () => {
    let expired = false;
    await restartWith(700, () => {
      if (!expired) sim.control.expireTokens();
      expired = true;
    });
    expect(await client().networks()).toHaveLength(700);
    expect(sim.control.loginsMade()).toBe(2);
    expect(statuses(EPGS)).toEqual([200, 403, 200, 200]);
    expect(pagesRead()).toEqual(['page=0', 'page=1', 'page=0', 'page=1']);
  });

  it('aci client - gives up when a new token is refused too', async () => {
    sim.control.addFault({ path: EPGS, kind: 'status', status: 403, times: 2 });
    const error = await failure(client().networks());
    expect(error.retryable).toBe(true);
    expect(error.message).toBe(`APIC ${sim.url} refused a new token of admin (403)`);
    expect(sim.control.loginsMade()).toBe(2);
  });

  it('aci client - shares one login among concurrent calls', async () => {
    const apic = client();
    const all = await Promise.all(Array.from({ length: 5 }, () => apic.networks()));
    expect(all.map((n) => n.length)).toEqual([4, 4, 4, 4, 4]);
    expect(sim.control.loginsMade()).toBe(1);
  });

  it('aci client - logs out on close, and close without a token sends nothing', async () => {
    const apic = client();
    await apic.close();
    expect(sim.control.requests()).toEqual([]);
    await apic.networks();
    expect(sim.control.liveTokens()).toBe(1);
    await apic.close();
    expect(sim.control.liveTokens()).toBe(0);
    expect(sim.control.requests({ method: 'POST', path: 'aaaLogout' })).toEqual([
      { method: 'POST', path: '/api/aaaLogout.json', status: 200, cookie: true },
    ]);
    // It works again after close, with a new login.
    expect(await apic.networks()).toHaveLength(4);
    expect(sim.control.loginsMade()).toBe(2);
  });
});

describe('aci client - errors', () => {
  it('aci client - reports refused credentials once, without retry and without the password', async () => {
    const error = await failure(client({ password: 'wrong-and-secret' }).networks());
    expect(error.code).toBe('OO_ERR_INVENTORY_UNAVAILABLE');
    expect(error.retryable).toBe(false);
    expect(error.message).toBe(
      `APIC ${sim.url} refused the credentials of admin (401: Username or password is incorrect - FAILED local authentication)`,
    );
    expect(error.details).toEqual({
      source: `aci:${sim.url}`,
      status: 401,
      errorCode: '401',
      errorText: 'Username or password is incorrect - FAILED local authentication',
    });
    expect(statuses(/aaaLogin/)).toEqual([401]);
    expect(everything(error)).not.toContain('wrong-and-secret');
  });

  it('aci client - retries a 503 and succeeds', async () => {
    sim.control.addFault({ path: EPGS, kind: 'status', status: 503 });
    expect(await client().networks()).toHaveLength(4);
    expect(statuses(EPGS)).toEqual([503, 200]);
  });

  it('aci client - reports a 503 that lasts after maxAttempts, with no password or token in it', async () => {
    const apic = client({ maxAttempts: 3 });
    // A token is held and sent with every attempt: none of it may reach the error.
    await apic.networks();
    sim.control.addFault({ path: EPGS, kind: 'status', status: 503, times: 10 });
    const error = await failure(apic.networks());
    expect(error.retryable).toBe(true);
    expect(error.message).toBe(
      `APIC ${sim.url} answered 503: Injected 503 to GET /api/class/fvAEPg.json?order-by=fvAEPg.dn|asc&page-size=500&page=0 (3 attempts)`,
    );
    expect(error.details).toEqual({
      source: `aci:${sim.url}`,
      status: 503,
      errorCode: '503',
      errorText: 'Injected 503',
    });
    expect(everything(error)).not.toContain(PASSWORD);
    // Tokens are 64 base64url characters.
    expect(everything(error)).not.toMatch(/[A-Za-z0-9_-]{64}/);
  });

  it('aci client - retries the login when its connection drops, and a dropped page', async () => {
    sim.control.addFault({ method: 'POST', path: 'aaaLogin', kind: 'drop' });
    sim.control.addFault({ path: EPGS, kind: 'drop' });
    expect(await client().networks()).toHaveLength(4);
    expect(statuses(/aaaLogin/)).toEqual(['drop', 200]);
    expect(statuses(EPGS)).toEqual(['drop', 200]);
  });

  it('aci client - reports an APIC that does not answer within timeoutMs', async () => {
    sim.control.addFault({ path: EPGS, kind: 'delay', delayMs: 5_000 });
    const started = performance.now();
    const error = await failure(client({ timeoutMs: 100, maxAttempts: 1 }).networks());
    expect(performance.now() - started).toBeLessThan(3_000);
    expect(error.retryable).toBe(true);
    expect(error.message).toBe(
      `APIC ${sim.url} did not answer GET /api/class/fvAEPg.json?order-by=fvAEPg.dn|asc&page-size=500&page=0 within 100 ms`,
    );
  });

  it('aci client - tries a late answer again', async () => {
    sim.control.addFault({ path: EPGS, kind: 'delay', delayMs: 5_000 });
    expect(await client({ timeoutMs: 200 }).networks()).toHaveLength(4);
  });

  it("aci client - stops when the caller's signal aborts", async () => {
    sim.control.addFault({ path: EPGS, kind: 'delay', delayMs: 5_000 });
    const started = performance.now();
    await expect(client().networks(AbortSignal.timeout(150))).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(performance.now() - started).toBeLessThan(3_000);
  });
});

describe('aci client - answers OO cannot read', () => {
  /** A stand-in APIC: a login with a token, and `epgs` as the class query's body. */
  async function standIn(epgs: string, run: (url: string) => Promise<void>): Promise<void> {
    const server = createServer((req, res) => {
      const body = req.url?.startsWith('/api/aaaLogin')
        ? '{"totalCount":"1","imdata":[{"aaaLogin":{"attributes":{"token":"secret-token-0123456789"}}}]}'
        : epgs;
      res.writeHead(200, { 'content-type': 'application/json' }).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      await run(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  }

  it('aci client - reports an EPG without a name, without the token', async () => {
    await standIn(
      '{"totalCount":"1","imdata":[{"fvAEPg":{"attributes":{"dn":"uni/tn-a/ap-b/epg-c"}}}]}',
      async (url) => {
        const error = await failure(aciClient({ url, username: 'u', password: 'p' }).networks());
        expect(error.retryable).toBe(false);
        expect(error.message).toMatch(
          /answered GET \/api\/class\/fvAEPg\.json with an EPG OO cannot read \(0\.fvAEPg\.attributes\.name: /,
        );
        expect(everything(error)).not.toContain('secret-token');
      },
    );
  });

  it('aci client - reports a page whose totalCount is not a count', async () => {
    await standIn('{"totalCount":1,"imdata":[]}', async (url) => {
      const error = await failure(aciClient({ url, username: 'u', password: 'p' }).networks());
      expect(error.message).toMatch(/with a body OO cannot read \(totalCount: /);
    });
  });
});

describe('aci client - HTTPS', () => {
  it("aci client - refuses APIC's own certificate unless given it as ca, then lists over HTTPS", async () => {
    const tls = selfSignedCert();
    const secure = await startAciSimulator({ tls: { key: tls.key, cert: tls.cert } });
    try {
      const options = {
        url: secure.url,
        username: secure.username,
        password: secure.password,
        maxAttempts: 1,
      };
      const untrusted = aciClient(options);
      clients.push(untrusted);
      const error = await failure(untrusted.networks());
      expect(error.message).toMatch(/could not be reached for POST \/api\/aaaLogin\.json: .*SELF_SIGNED/);
      expect(secure.control.loginsMade()).toBe(0);

      const trusting = aciClient({ ...options, ca: tls.cert });
      clients.push(trusting);
      expect((await trusting.networks()).map((n) => n.name)).toEqual([
        'DMZ',
        'INTRANET_DEV',
        'INTRANET_PROD',
        'MGMT',
      ]);
      expect(secure.control.loginsMade()).toBe(1);
    } finally {
      await secure.stop();
      tls.remove();
    }
  });
});
