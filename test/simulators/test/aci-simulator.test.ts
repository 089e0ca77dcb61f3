import { request } from 'node:https';
import { selfSignedCert } from '@oo/test-harness';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type AciSimSeed,
  type AciSimulator,
  type AciSimulatorOptions,
  DEFAULT_ACI_SEED,
  startAciSimulator,
} from '../src/index.js';
import { type Answer, answerOf } from './answer.js';

let sim: AciSimulator;

async function start(options: AciSimulatorOptions = {}): Promise<AciSimulator> {
  await sim?.stop();
  sim = await startAciSimulator(options);
  return sim;
}

beforeEach(async () => {
  sim = await startAciSimulator();
});

afterEach(async () => {
  await sim.stop();
});

/** One real HTTP call to the simulator; `body` is sent as given (a string) or as JSON. */
async function call(
  path: string,
  init: { method?: string; token?: string; body?: unknown } = {},
): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (init.token !== undefined) headers.cookie = `APIC-cookie=${init.token}`;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const body =
    typeof init.body === 'string' || init.body === undefined ? init.body : JSON.stringify(init.body);
  const res = await fetch(`${sim.url}${path}`, { method: init.method ?? 'GET', headers, body });
  return answerOf(res);
}

const loginBody = (name: string, pwd: string) => ({ aaaUser: { attributes: { name, pwd } } });

async function login(): Promise<string> {
  const res = await call('/api/aaaLogin.json', {
    method: 'POST',
    body: loginBody(sim.username, sim.password),
  });
  expect(res.status).toBe(200);
  return res.body.imdata[0].aaaLogin.attributes.token;
}

const apicError = (code: number, text: string) => ({
  totalCount: '1',
  imdata: [{ error: { attributes: { code: String(code), text } } }],
});
const TOKEN_INVALID = apicError(403, 'Token was invalid (Error: Token timeout)');

const epgNames = (res: Answer): string[] =>
  res.body.imdata.map((o: { fvAEPg: { attributes: { name: string } } }) => o.fvAEPg.attributes.name);

describe('aci simulator - aaaLogin', () => {
  it('aci simulator - answers a known user with a token in the aaaLogin item and in the APIC-cookie', async () => {
    const res = await call('/api/aaaLogin.json', { method: 'POST', body: loginBody('admin', 'password') });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.body.totalCount).toBe('1');
    const attributes = res.body.imdata[0].aaaLogin.attributes;
    expect(attributes).toMatchObject({
      refreshTimeoutSeconds: '600',
      userName: 'admin',
      remoteUser: 'false',
    });
    expect(attributes.token).toMatch(/^[A-Za-z0-9_-]{64}$/);
    expect(res.headers.get('set-cookie')).toBe(
      `APIC-cookie=${attributes.token}; path=/; HttpOnly; HttpOnly; Secure`,
    );
    expect(sim.control.loginsMade()).toBe(1);
    expect(sim.control.liveTokens()).toBe(1);
  });

  it('aci simulator - refuses a wrong password with 401 and FAILED local authentication', async () => {
    const res = await call('/api/aaaLogin.json', { method: 'POST', body: loginBody('admin', 'wrong') });
    expect(res.status).toBe(401);
    expect(res.headers.get('set-cookie')).toBeNull();
    expect(res.body).toEqual(
      apicError(401, 'Username or password is incorrect - FAILED local authentication'),
    );
    expect(sim.control.loginsMade()).toBe(0);
  });

  it('aci simulator - answers 400 with an error item to a login body that is not JSON or lacks pwd', async () => {
    const notJson = await call('/api/aaaLogin.json', { method: 'POST', body: '{"aaaUser":' });
    expect(notJson.status).toBe(400);
    expect(notJson.body.imdata[0].error.attributes.code).toBe('400');
    const noPwd = await call('/api/aaaLogin.json', {
      method: 'POST',
      body: { aaaUser: { attributes: { name: 'admin' } } },
    });
    expect(noPwd.status).toBe(400);
    expect(sim.control.loginsMade()).toBe(0);
  });

  it('aci simulator - accepts any configured user and states the token timeout', async () => {
    await start({ users: [{ username: 'oo-ro', password: 's3cret' }], tokenTimeoutSeconds: 300 });
    expect([sim.username, sim.password]).toEqual(['oo-ro', 's3cret']);
    const res = await call('/api/aaaLogin.json', { method: 'POST', body: loginBody('oo-ro', 's3cret') });
    expect(res.body.imdata[0].aaaLogin.attributes).toMatchObject({
      userName: 'oo-ro',
      refreshTimeoutSeconds: '300',
    });
  });
});

describe('aci simulator - tokens', () => {
  it('aci simulator - answers 403 Token was invalid to a query without the cookie or with an unknown token', async () => {
    const without = await call('/api/class/fvAEPg.json');
    expect(without.status).toBe(403);
    expect(without.body).toEqual(TOKEN_INVALID);
    const unknown = await call('/api/class/fvAEPg.json', { token: 'not-a-token' });
    expect(unknown.status).toBe(403);
    expect(unknown.body).toEqual(TOKEN_INVALID);
  });

  it('aci simulator - reads the APIC-cookie among other cookies', async () => {
    const token = await login();
    const res = await fetch(`${sim.url}/api/class/fvAEPg.json`, {
      headers: { cookie: `other=1; APIC-cookie=${token}; last=2` },
    });
    expect(res.status).toBe(200);
  });

  it('aci simulator - ends a token tokenTimeoutSeconds after its login, however often it is used', async () => {
    await start({ tokenTimeoutSeconds: 0.4 });
    const token = await login();
    const started = performance.now();
    let status = 200;
    // Used every 100 ms, the token still times out: use does not extend it.
    while (status === 200 && performance.now() - started < 2_000) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      status = (await call('/api/class/fvAEPg.json', { token })).status;
    }
    expect(status).toBe(403);
    expect(performance.now() - started).toBeGreaterThanOrEqual(400);
    expect(sim.control.liveTokens()).toBe(0);
  });

  it('aci simulator - answers 403 once the tokens are expired by the control handle', async () => {
    const token = await login();
    expect((await call('/api/class/fvAEPg.json', { token })).status).toBe(200);
    sim.control.expireTokens();
    expect(sim.control.liveTokens()).toBe(0);
    expect((await call('/api/class/fvAEPg.json', { token })).body).toEqual(TOKEN_INVALID);
  });

  it('aci simulator - refreshes a token into a fresh one, ending the old', async () => {
    const old = await login();
    const res = await call('/api/aaaRefresh.json', { token: old });
    expect(res.status).toBe(200);
    const fresh = res.body.imdata[0].aaaLogin.attributes.token;
    expect(fresh).not.toBe(old);
    expect(res.headers.get('set-cookie')).toContain(`APIC-cookie=${fresh};`);
    expect((await call('/api/class/fvAEPg.json', { token: fresh })).status).toBe(200);
    expect((await call('/api/class/fvAEPg.json', { token: old })).status).toBe(403);
    expect(sim.control.loginsMade()).toBe(1);
  });

  it('aci simulator - logs out with an empty imdata, after which the token is refused', async () => {
    const token = await login();
    const res = await call('/api/aaaLogout.json', {
      method: 'POST',
      token,
      body: { aaaUser: { attributes: { name: 'admin' } } },
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ totalCount: '0', imdata: [] });
    expect(sim.control.liveTokens()).toBe(0);
    expect((await call('/api/class/fvAEPg.json', { token })).status).toBe(403);
  });
});

describe('aci simulator - class queries', () => {
  it('aci simulator - lists the default EPGs sorted by dn with their attributes', async () => {
    const res = await call('/api/class/fvAEPg.json', { token: await login() });
    expect(res.status).toBe(200);
    expect(res.body.totalCount).toBe('4');
    expect(res.body.imdata[0]).toEqual({
      fvAEPg: {
        attributes: {
          dn: 'uni/tn-OO/ap-VMS/epg-DMZ',
          name: 'DMZ',
          descr: 'reachable from the internet',
          pcEnfPref: 'unenforced',
          prefGrMemb: 'exclude',
          isAttrBasedEPg: 'no',
          status: '',
        },
      },
    });
    expect(
      res.body.imdata.map((o: { fvAEPg: { attributes: { dn: string } } }) => o.fvAEPg.attributes.dn),
    ).toEqual([
      'uni/tn-OO/ap-VMS/epg-DMZ',
      'uni/tn-OO/ap-VMS/epg-INTRANET_DEV',
      'uni/tn-OO/ap-VMS/epg-INTRANET_PROD',
      'uni/tn-infra/ap-ops/epg-MGMT',
    ]);
    expect(DEFAULT_ACI_SEED.epgs).toHaveLength(4);
  });

  it('aci simulator - answers the same query under /api/node/class, and tenants and application profiles', async () => {
    const token = await login();
    expect(epgNames(await call('/api/node/class/fvAEPg.json', { token }))).toHaveLength(4);
    const tenants = await call('/api/class/fvTenant.json', { token });
    expect(
      tenants.body.imdata.map((o: { fvTenant: { attributes: { dn: string } } }) => o.fvTenant.attributes.dn),
    ).toEqual(['uni/tn-OO', 'uni/tn-infra']);
    expect((await call('/api/class/fvAp.json', { token })).body.totalCount).toBe('2');
  });

  it('aci simulator - pages 1,201 EPGs by page-size and 0-based page, totalCount counting them all', async () => {
    const epgs = Array.from({ length: 1201 }, (_, i) => ({
      tenant: 'big',
      app: 'app',
      name: `epg-${String(i).padStart(4, '0')}`,
    }));
    await start({ seed: { epgs } });
    const token = await login();
    const pages = [];
    for (const page of [0, 1, 2, 3]) {
      pages.push(await call(`/api/class/fvAEPg.json?page-size=500&page=${page}`, { token }));
    }
    expect(pages.map((p) => p.body.totalCount)).toEqual(['1201', '1201', '1201', '1201']);
    expect(pages.map((p) => p.body.imdata.length)).toEqual([500, 500, 201, 0]);
    expect(epgNames(pages[1] as Answer)[0]).toBe('epg-0500');
    expect(epgNames(pages[2] as Answer).at(-1)).toBe('epg-1200');
    const all = await call('/api/class/fvAEPg.json', { token });
    expect(all.body.imdata).toHaveLength(1201);
  });

  it('aci simulator - reads page 0 when only page-size is given, and refuses a malformed one', async () => {
    const token = await login();
    const first = await call('/api/class/fvAEPg.json?page-size=3', { token });
    expect(epgNames(first)).toEqual(['DMZ', 'INTRANET_DEV', 'INTRANET_PROD']);
    expect(first.body.totalCount).toBe('4');
    for (const query of ['page-size=0', 'page-size=ten', 'page-size=2&page=-1']) {
      const res = await call(`/api/class/fvAEPg.json?${query}`, { token });
      expect(res.status).toBe(400);
      expect(res.body.imdata[0].error.attributes.code).toBe('400');
    }
  });

  it('aci simulator - orders by the attribute order-by names, and refuses one it cannot', async () => {
    const token = await login();
    const byName = (order: string) =>
      call(`/api/class/fvAEPg.json?order-by=${order}&page-size=10`, { token });
    expect(epgNames(await byName('fvAEPg.name|desc'))).toEqual([
      'MGMT',
      'INTRANET_PROD',
      'INTRANET_DEV',
      'DMZ',
    ]);
    expect(epgNames(await byName('fvAEPg.name'))).toEqual(['DMZ', 'INTRANET_DEV', 'INTRANET_PROD', 'MGMT']);
    for (const order of ['fvTenant.dn', 'fvAEPg.noSuch', 'fvAEPg.dn|up', 'dn']) {
      const res = await byName(order);
      expect(res.status).toBe(400);
      expect(res.body).toEqual(apicError(400, `Request failed, invalid value for order-by: ${order}`));
    }
  });

  it('aci simulator - answers 400 unresolved class to an unknown class', async () => {
    const res = await call('/api/class/fvNoSuch.json', { token: await login() });
    expect(res.status).toBe(400);
    expect(res.body).toEqual(apicError(400, 'Request failed, unresolved class for fvNoSuch'));
  });

  it('aci simulator - serves replaced EPGs after setSeed and refuses a malformed seed', async () => {
    const token = await login();
    const seed: AciSimSeed = { epgs: [{ tenant: 'OO', app: 'VMS', name: 'NEW' }] };
    sim.control.setSeed(seed);
    expect(epgNames(await call('/api/class/fvAEPg.json', { token }))).toEqual(['NEW']);
    expect(() => sim.control.setSeed({ epgs: [{ tenant: 'OO', app: 'VMS', name: 'has space' }] })).toThrow(
      /invalid seed/,
    );
    expect(() =>
      sim.control.setSeed({
        epgs: [
          { tenant: 'OO', app: 'VMS', name: 'X' },
          { tenant: 'OO', app: 'VMS', name: 'X' },
        ],
      }),
    ).toThrow(/named twice/);
  });
});

describe('aci simulator - HTTP conventions', () => {
  it('aci simulator - answers 404 with an error item to an unknown path, before the token', async () => {
    const res = await call('/api/mo/uni.json/nothing-here');
    expect(res.status).toBe(404);
    expect(res.body.imdata[0].error.attributes.code).toBe('404');
  });

  it('aci simulator - answers 405 to a known path with another method', async () => {
    const res = await call('/api/aaaLogin.json');
    expect(res.status).toBe(405);
    expect(res.body.imdata[0].error.attributes.code).toBe('405');
  });

  it('aci simulator - logs every request with its status and whether it carried the cookie', async () => {
    const token = await login();
    await call('/api/class/fvAEPg.json?page-size=2', { token });
    await call('/api/class/fvAEPg.json');
    expect(sim.control.requests()).toEqual([
      { method: 'POST', path: '/api/aaaLogin.json', status: 200, cookie: false },
      { method: 'GET', path: '/api/class/fvAEPg.json?page-size=2', status: 200, cookie: true },
      { method: 'GET', path: '/api/class/fvAEPg.json', status: 403, cookie: false },
    ]);
    expect(sim.control.requests({ method: 'get', path: /fvAEPg/ })).toHaveLength(2);
  });
});

describe('aci simulator - faults', () => {
  it('aci simulator - answers an injected status with an error item to the next N matching requests only', async () => {
    const token = await login();
    sim.control.addFault({ method: 'GET', path: /fvAEPg/, kind: 'status', status: 503, times: 2 });
    const first = await call('/api/class/fvAEPg.json', { token });
    expect(first.status).toBe(503);
    expect(first.body).toEqual(apicError(503, 'Injected 503'));
    expect((await call('/api/class/fvTenant.json', { token })).status).toBe(200);
    expect((await call('/api/class/fvAEPg.json', { token })).status).toBe(503);
    expect((await call('/api/class/fvAEPg.json', { token })).status).toBe(200);
  });

  it('aci simulator - destroys the socket of a request caught by a drop fault', async () => {
    const token = await login();
    sim.control.addFault({ path: 'fvAEPg', kind: 'drop' });
    await expect(call('/api/class/fvAEPg.json', { token })).rejects.toThrow();
    expect(sim.control.requests({ path: /fvAEPg/ })).toEqual([
      { method: 'GET', path: '/api/class/fvAEPg.json', status: 'drop', cookie: true },
    ]);
    expect((await call('/api/class/fvAEPg.json', { token })).status).toBe(200);
  });

  it('aci simulator - answers normally but late with a delay fault', async () => {
    const token = await login();
    sim.control.addFault({ path: 'fvAEPg', kind: 'delay', delayMs: 200 });
    const started = performance.now();
    const res = await call('/api/class/fvAEPg.json', { token });
    expect(performance.now() - started).toBeGreaterThanOrEqual(190);
    expect(res.body.totalCount).toBe('4');
  });

  it('aci simulator - can fail the login itself, and a 403 fault reads as a token timeout', async () => {
    sim.control.addFault({ method: 'POST', path: 'aaaLogin', kind: 'status', status: 500 });
    const res = await call('/api/aaaLogin.json', { method: 'POST', body: loginBody('admin', 'password') });
    expect(res.status).toBe(500);
    expect(sim.control.loginsMade()).toBe(0);
    const token = await login();
    sim.control.addFault({ path: 'fvAEPg', kind: 'status', status: 403 });
    expect((await call('/api/class/fvAEPg.json', { token })).body).toEqual(TOKEN_INVALID);
  });

  it('aci simulator - refuses a malformed fault rule', () => {
    expect(() => sim.control.addFault({ path: 'x', kind: 'status', status: 200 })).toThrow(
      /aci simulator: invalid fault/,
    );
  });
});

describe('aci simulator - HTTPS', () => {
  it('aci simulator - serves HTTPS with the given certificate, which a client must trust', async () => {
    const tls = selfSignedCert();
    try {
      await start({ tls: { key: tls.key, cert: tls.cert } });
      expect(sim.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      await expect(
        call('/api/aaaLogin.json', { method: 'POST', body: loginBody('admin', 'password') }),
      ).rejects.toThrow();
      const trusted = await new Promise<{ status?: number; cookie?: string[] }>((resolve, reject) => {
        const req = request(`${sim.url}/api/aaaLogin.json`, { method: 'POST', ca: tls.cert }, (res) => {
          res.resume();
          resolve({ status: res.statusCode, cookie: res.headers['set-cookie'] });
        });
        req.on('error', reject);
        req.end(JSON.stringify(loginBody('admin', 'password')));
      });
      expect(trusted.status).toBe(200);
      expect(trusted.cookie?.[0]).toMatch(/^APIC-cookie=/);
    } finally {
      tls.remove();
    }
  });
});
