import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startVcenterSimulator, type VcenterSimulator } from '@oo/simulators';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type VcenterClient,
  type VcenterClientOptions,
  vcenterClient,
} from '../src/inventory/vcenter-client.js';
import { everything, failure } from './fixtures/failures.js';
import { selfSignedCert } from './fixtures/self-signed.js';

const PASSWORD = 'Tr0ub4dor&3-not-in-errors';

let sim: VcenterSimulator;
let clients: VcenterClient[];

beforeEach(async () => {
  sim = await startVcenterSimulator({
    users: [{ username: 'administrator@vsphere.local', password: PASSWORD }],
  });
  clients = [];
});

afterEach(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await sim.stop();
});

function client(options: Partial<VcenterClientOptions> = {}): VcenterClient {
  const made = vcenterClient({ url: sim.url, username: sim.username, password: sim.password, ...options });
  clients.push(made);
  return made;
}

const statuses = (path: RegExp) => sim.control.requests({ path }).map((r) => r.status);

describe('vcenter client - lists', () => {
  it('vcenter client - maps clusters, datastores (sizes in GB) and networks with their vCenter ids', async () => {
    expect(await client().lists()).toEqual({
      clusters: [
        { name: 'cluster-a', id: 'domain-c1' },
        { name: 'cluster-b', id: 'domain-c2' },
        { name: 'cluster-c', id: 'domain-c3' },
      ],
      datastores: [
        { name: 'ds-fast', id: 'datastore-1', type: 'VSAN', capacityGb: 4096, freeGb: 2500 },
        { name: 'ds-bulk', id: 'datastore-2', type: 'NFS', capacityGb: 20480, freeGb: 12000 },
        { name: 'ds-archive', id: 'datastore-3', type: 'VMFS', capacityGb: 8192, freeGb: 8000 },
      ],
      networks: [
        { name: 'INTRANET_DEV', id: 'dvportgroup-1', type: 'DISTRIBUTED_PORTGROUP' },
        { name: 'INTRANET_PROD', id: 'dvportgroup-2', type: 'DISTRIBUTED_PORTGROUP' },
        { name: 'DMZ', id: 'dvportgroup-3', type: 'DISTRIBUTED_PORTGROUP' },
        { name: 'VM Network', id: 'network-4', type: 'STANDARD_PORTGROUP' },
      ],
    });
  });

  it('vcenter client - rounds sizes to one decimal of a GiB', async () => {
    sim.control.setSeed({
      clusters: [],
      datastores: [{ name: 'small', capacityGb: 1.25, freeGb: 0.04 }],
      networks: [],
    });
    const { datastores } = await client().lists();
    expect(datastores).toEqual([
      { name: 'small', id: 'datastore-1', type: 'VMFS', capacityGb: 1.3, freeGb: 0 },
    ]);
  });

  it('vcenter client - accepts the url with a trailing slash or /api', async () => {
    expect((await client({ url: `${sim.url}/` }).lists()).clusters).toHaveLength(3);
    expect((await client({ url: `${sim.url}/api/` }).lists()).networks).toHaveLength(4);
  });

  it('vcenter client - refuses a url that is not http(s) without echoing it', () => {
    expect(() => client({ url: 'ftp://user:secret@vc.example' })).toThrow(
      expect.objectContaining({
        code: 'OO_ERR_CONFIG_INVALID',
        message: expect.not.stringContaining('secret'),
      }),
    );
  });
});

describe('vcenter client - sessions', () => {
  it('vcenter client - reuses one session across calls', async () => {
    const vc = client();
    await vc.lists();
    await vc.lists();
    await vc.lists();
    expect(sim.control.sessionsCreated()).toBe(1);
    expect(
      sim.control.requests({ path: /\/api\/vcenter\// }).every((r) => r.sessionId && r.status === 200),
    ).toBe(true);
  });

  it('vcenter client - logs in again once when vCenter has ended the session, and succeeds', async () => {
    const vc = client();
    await vc.lists();
    sim.control.expireSessions();
    expect((await vc.lists()).clusters).toHaveLength(3);
    expect(sim.control.sessionsCreated()).toBe(2);
    expect(sim.control.openSessions()).toBe(1);
    expect(statuses(/\/cluster$/)).toEqual([200, 401, 200]);
  });

  it('vcenter client - gives up when a new session is refused too', async () => {
    const vc = client();
    sim.control.addFault({ method: 'GET', path: '/cluster$', kind: 'status', status: 401, times: 2 });
    const error = await failure(vc.lists());
    expect(error.message).toMatch(
      /refused a new session of administrator@vsphere\.local \(401 UNAUTHENTICATED\)/,
    );
    expect(sim.control.sessionsCreated()).toBe(2);
  });

  it('vcenter client - shares one login among concurrent calls', async () => {
    const vc = client();
    const all = await Promise.all(Array.from({ length: 5 }, () => vc.lists()));
    expect(all.map((l) => l.datastores.length)).toEqual([3, 3, 3, 3, 3]);
    expect(sim.control.sessionsCreated()).toBe(1);
  });

  it('vcenter client - deletes its session on close, and close without a session sends nothing', async () => {
    const vc = client();
    await vc.close();
    expect(sim.control.requests()).toEqual([]);
    await vc.lists();
    expect(sim.control.openSessions()).toBe(1);
    await vc.close();
    expect(sim.control.openSessions()).toBe(0);
    expect(sim.control.requests({ method: 'DELETE' })).toEqual([
      { method: 'DELETE', path: '/api/session', status: 204, sessionId: true },
    ]);
  });
});

describe('vcenter client - errors', () => {
  it('vcenter client - reports refused credentials once, without retry and without the password', async () => {
    const error = await failure(client({ password: 'wrong-and-secret' }).lists());
    expect(error.code).toBe('OO_ERR_INVENTORY_UNAVAILABLE');
    expect(error.retryable).toBe(false);
    expect(error.message).toBe(
      `vCenter ${sim.url} refused the credentials of administrator@vsphere.local (401 UNAUTHENTICATED)`,
    );
    expect(error.details).toEqual({
      source: `vcenter:${sim.url}`,
      status: 401,
      errorType: 'UNAUTHENTICATED',
    });
    expect(statuses(/session/)).toEqual([401]);
    expect(everything(error)).not.toContain('wrong-and-secret');
    expect(everything(error)).not.toContain(
      Buffer.from('administrator@vsphere.local:wrong-and-secret').toString('base64'),
    );
  });

  it('vcenter client - retries a 503 and succeeds', async () => {
    sim.control.addFault({ method: 'GET', path: '/cluster$', kind: 'status', status: 503 });
    expect((await client().lists()).clusters).toHaveLength(3);
    expect(statuses(/\/cluster$/)).toEqual([503, 200]);
  });

  it('vcenter client - reports a 503 that lasts after maxAttempts, with no secret in it', async () => {
    sim.control.addFault({ method: 'GET', path: '/cluster$', kind: 'status', status: 503, times: 10 });
    const error = await failure(client({ maxAttempts: 3 }).lists());
    expect(error.retryable).toBe(true);
    expect(error.message).toBe(
      `vCenter ${sim.url} answered 503 SERVICE_UNAVAILABLE to GET /api/vcenter/cluster (3 attempts)`,
    );
    expect(error.details).toEqual({
      source: `vcenter:${sim.url}`,
      status: 503,
      errorType: 'SERVICE_UNAVAILABLE',
    });
    expect(statuses(/\/cluster$/)).toEqual([503, 503, 503]);
    expect(everything(error)).not.toContain(PASSWORD);
    // A session id is 32 hex characters.
    expect(everything(error)).not.toMatch(/[0-9a-f]{32}/);
  });

  it('vcenter client - retries a dropped connection', async () => {
    sim.control.addFault({ method: 'GET', path: '/network$', kind: 'drop' });
    expect((await client().lists()).networks).toHaveLength(4);
    expect(statuses(/\/network$/)).toEqual(['drop', 200]);
  });

  it('vcenter client - retries the login when its connection drops', async () => {
    sim.control.addFault({ method: 'POST', path: '/session$', kind: 'drop' });
    expect((await client().lists()).clusters).toHaveLength(3);
    expect(sim.control.sessionsCreated()).toBe(1);
  });

  it('vcenter client - reports a vCenter that does not answer within timeoutMs', async () => {
    sim.control.addFault({ method: 'GET', path: '/network$', kind: 'delay', delayMs: 5_000 });
    const started = performance.now();
    const error = await failure(client({ timeoutMs: 100, maxAttempts: 1 }).lists());
    expect(performance.now() - started).toBeLessThan(3_000);
    expect(error.retryable).toBe(true);
    expect(error.message).toBe(`vCenter ${sim.url} did not answer GET /api/vcenter/network within 100 ms`);
  });

  it('vcenter client - tries a late answer again', async () => {
    sim.control.addFault({ method: 'GET', path: '/network$', kind: 'delay', delayMs: 5_000 });
    expect((await client({ timeoutMs: 200 }).lists()).networks).toHaveLength(4);
  });

  it('vcenter client - reports more than 1000 items as vCenter refuses them, without retry', async () => {
    const networks = Array.from({ length: 1001 }, (_, i) => ({ name: `pg-${i}` }));
    sim.control.setSeed({ clusters: [], datastores: [], networks });
    const error = await failure(client().lists());
    expect(error.retryable).toBe(false);
    expect(error.message).toBe(
      `vCenter ${sim.url} lists more than 1000 networks (UNABLE_TO_ALLOCATE_RESOURCE)`,
    );
    expect(error.details).toMatchObject({ status: 400, errorType: 'UNABLE_TO_ALLOCATE_RESOURCE' });
    expect(statuses(/\/network$/)).toEqual([400]);
  });

  it("vcenter client - stops in-flight calls when the caller's signal aborts", async () => {
    sim.control.addFault({ method: 'GET', path: '/cluster$', kind: 'delay', delayMs: 5_000 });
    const started = performance.now();
    await expect(client().lists(AbortSignal.timeout(150))).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(performance.now() - started).toBeLessThan(3_000);
  });
  it("vcenter client - stops waiting between attempts when the caller's signal aborts", async () => {
    sim.control.addFault({ method: 'GET', path: '/cluster$', kind: 'status', status: 503, times: 10 });
    const vc = client({ maxAttempts: 10 });
    await expect(vc.lists(AbortSignal.timeout(150))).rejects.toMatchObject({ name: 'TimeoutError' });
    // 100 ms, then 300 ms between attempts: the abort at 150 ms comes before a third one.
    expect(statuses(/\/cluster$/).length).toBeLessThanOrEqual(2);
  });
});

describe('vcenter client - answers OO cannot read', () => {
  it('vcenter client - reports a list whose items lack a field it reads', async () => {
    // A stand-in vCenter whose cluster list has a numeric name.
    const server = createServer((req, res) => {
      const body =
        req.method === 'POST'
          ? '"0123456789abcdef0123456789abcdef"'
          : req.url === '/api/vcenter/cluster'
            ? '[{"cluster":"domain-c1","name":7}]'
            : '[]';
      res.writeHead(req.method === 'POST' ? 201 : 200, { 'content-type': 'application/json' }).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const error = await failure(vcenterClient({ url, username: 'u', password: 'p' }).lists());
      expect(error.retryable).toBe(false);
      expect(error.message).toMatch(
        /answered GET \/api\/vcenter\/cluster with a body OO cannot read \(0\.name: /,
      );
      expect(error.message).not.toContain('0123456789abcdef0123456789abcdef');
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('vcenter client - HTTPS', () => {
  it("refuses vCenter's own certificate unless given its CA, then lists over HTTPS", async () => {
    const tls = selfSignedCert();
    const secure = await startVcenterSimulator({ tls: { key: tls.key, cert: tls.cert } });
    try {
      expect(secure.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const options = {
        url: secure.url,
        username: secure.username,
        password: secure.password,
        maxAttempts: 1,
      };
      const untrusted = vcenterClient(options);
      clients.push(untrusted);
      const error = await failure(untrusted.lists());
      expect(error.code).toBe('OO_ERR_INVENTORY_UNAVAILABLE');
      expect(error.message).toMatch(/could not be reached for POST \/api\/session: .*SELF_SIGNED/);
      expect(secure.control.sessionsCreated()).toBe(0);

      const trusting = vcenterClient({ ...options, ca: tls.cert });
      clients.push(trusting);
      const lists = await trusting.lists();
      expect(lists.clusters.map((c) => c.name)).toEqual(['cluster-a', 'cluster-b', 'cluster-c']);
      expect(secure.control.sessionsCreated()).toBe(1);
    } finally {
      await secure.stop();
      tls.remove();
    }
  });
});
