import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  startVcenterSimulator,
  type VcenterSimSeed,
  type VcenterSimulator,
  type VcenterSimulatorOptions,
} from '../src/index.js';
import { type Answer, answerOf } from './answer.js';

let sim: VcenterSimulator;

async function start(options: VcenterSimulatorOptions = {}): Promise<VcenterSimulator> {
  await sim?.stop();
  sim = await startVcenterSimulator(options);
  return sim;
}

beforeEach(async () => {
  sim = await startVcenterSimulator();
});

afterEach(async () => {
  await sim.stop();
});

/** One real HTTP call to the simulator. */
async function call(
  path: string,
  init: { method?: string; session?: string; basic?: string } = {},
): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (init.session !== undefined) headers['vmware-api-session-id'] = init.session;
  if (init.basic !== undefined) headers.authorization = `Basic ${Buffer.from(init.basic).toString('base64')}`;
  const res = await fetch(`${sim.url}${path}`, { method: init.method ?? 'GET', headers });
  return answerOf(res);
}

async function login(): Promise<string> {
  const res = await call('/api/session', { method: 'POST', basic: `${sim.username}:${sim.password}` });
  expect(res.status).toBe(201);
  return res.body;
}

const UNAUTHENTICATED = {
  error_type: 'UNAUTHENTICATED',
  messages: [
    {
      args: [],
      default_message: 'Authentication required.',
      id: 'com.vmware.vapi.endpoint.method.authentication.required',
    },
  ],
};

describe('vcenter simulator - sessions', () => {
  it('vcenter simulator - creates a session for a known user and answers its id as a JSON string', async () => {
    const res = await call('/api/session', {
      method: 'POST',
      basic: 'administrator@vsphere.local:password',
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.body).toMatch(/^[0-9a-f]{32}$/);
    expect(sim.control.sessionsCreated()).toBe(1);
    expect(sim.control.openSessions()).toBe(1);
  });

  it('vcenter simulator - refuses a wrong password with the UNAUTHENTICATED body', async () => {
    const res = await call('/api/session', { method: 'POST', basic: `${sim.username}:wrong` });
    expect(res.status).toBe(401);
    expect(res.body).toEqual(UNAUTHENTICATED);
    expect(sim.control.sessionsCreated()).toBe(0);
  });

  it('vcenter simulator - refuses a login without credentials', async () => {
    const res = await call('/api/session', { method: 'POST' });
    expect(res.status).toBe(401);
    expect(res.body).toEqual(UNAUTHENTICATED);
  });

  it('vcenter simulator - describes the current session with its user and times', async () => {
    const session = await login();
    const res = await call('/api/session', { session });
    expect(res.status).toBe(200);
    expect(res.body.user).toBe('administrator@vsphere.local');
    expect(Date.parse(res.body.created_time)).not.toBeNaN();
    expect(Date.parse(res.body.last_accessed_time)).toBeGreaterThanOrEqual(Date.parse(res.body.created_time));
  });

  it('vcenter simulator - accepts any configured user', async () => {
    await start({ users: [{ username: 'ro@vsphere.local', password: 's3cret' }] });
    expect(sim.username).toBe('ro@vsphere.local');
    expect(sim.password).toBe('s3cret');
    const res = await call('/api/session', { method: 'POST', basic: 'ro@vsphere.local:s3cret' });
    expect(res.status).toBe(201);
    const me = await call('/api/session', { session: res.body });
    expect(me.body.user).toBe('ro@vsphere.local');
  });

  it('vcenter simulator - answers 401 to a list without a session', async () => {
    const res = await call('/api/vcenter/cluster');
    expect(res.status).toBe(401);
    expect(res.body).toEqual(UNAUTHENTICATED);
  });

  it('vcenter simulator - answers 401 to an unknown session id', async () => {
    const res = await call('/api/vcenter/cluster', { session: 'b00db39f948d13ea1e59b4d6fce3c3e6' });
    expect(res.status).toBe(401);
    expect(res.body).toEqual(UNAUTHENTICATED);
  });

  it('vcenter simulator - answers 401 once the sessions are expired by the control handle', async () => {
    const session = await login();
    expect((await call('/api/vcenter/cluster', { session })).status).toBe(200);
    sim.control.expireSessions();
    expect(sim.control.openSessions()).toBe(0);
    const res = await call('/api/vcenter/cluster', { session });
    expect(res.status).toBe(401);
    expect(res.body).toEqual(UNAUTHENTICATED);
  });

  it('vcenter simulator - deletes a session with 204, after which it is refused', async () => {
    const session = await login();
    const deleted = await call('/api/session', { method: 'DELETE', session });
    expect(deleted.status).toBe(204);
    expect(deleted.body).toBeUndefined();
    expect(sim.control.openSessions()).toBe(0);
    expect((await call('/api/vcenter/network', { session })).status).toBe(401);
    expect((await call('/api/session', { method: 'DELETE', session })).status).toBe(401);
  });

  it('vcenter simulator - ends a session idle longer than sessionIdleMs, and each use restarts the idle time', async () => {
    await start({ sessionIdleMs: 400 });
    const kept = await login();
    const idle = await login();
    // Using `kept` every 100 ms keeps it alive past 400 ms; `idle` is not used for 500 ms or more.
    for (let i = 0; i < 5; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect((await call('/api/vcenter/cluster', { session: kept })).status).toBe(200);
    }
    expect((await call('/api/vcenter/cluster', { session: idle })).status).toBe(401);
    expect(sim.control.openSessions()).toBe(1);
  });
});

describe('vcenter simulator - lists', () => {
  it('vcenter simulator - lists the default clusters with their ids and HA/DRS flags', async () => {
    const session = await login();
    const res = await call('/api/vcenter/cluster', { session });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.body).toEqual([
      { cluster: 'domain-c1', name: 'cluster-a', ha_enabled: true, drs_enabled: true },
      { cluster: 'domain-c2', name: 'cluster-b', ha_enabled: true, drs_enabled: true },
      { cluster: 'domain-c3', name: 'cluster-c', ha_enabled: true, drs_enabled: true },
    ]);
  });

  it('vcenter simulator - lists the default datastores with sizes in bytes', async () => {
    const session = await login();
    const res = await call('/api/vcenter/datastore', { session });
    expect(res.body).toEqual([
      {
        datastore: 'datastore-1',
        name: 'ds-fast',
        type: 'VSAN',
        free_space: 2500 * 2 ** 30,
        capacity: 4096 * 2 ** 30,
      },
      {
        datastore: 'datastore-2',
        name: 'ds-bulk',
        type: 'NFS',
        free_space: 12000 * 2 ** 30,
        capacity: 20480 * 2 ** 30,
      },
      {
        datastore: 'datastore-3',
        name: 'ds-archive',
        type: 'VMFS',
        free_space: 8000 * 2 ** 30,
        capacity: 8192 * 2 ** 30,
      },
    ]);
  });

  it('vcenter simulator - lists distributed port groups as dvportgroup-N and standard ones as network-N', async () => {
    const session = await login();
    const res = await call('/api/vcenter/network', { session });
    expect(res.body).toEqual([
      { network: 'dvportgroup-1', name: 'INTRANET_DEV', type: 'DISTRIBUTED_PORTGROUP' },
      { network: 'dvportgroup-2', name: 'INTRANET_PROD', type: 'DISTRIBUTED_PORTGROUP' },
      { network: 'dvportgroup-3', name: 'DMZ', type: 'DISTRIBUTED_PORTGROUP' },
      { network: 'network-4', name: 'VM Network', type: 'STANDARD_PORTGROUP' },
    ]);
  });

  it('vcenter simulator - filters clusters by repeated names', async () => {
    const session = await login();
    const res = await call('/api/vcenter/cluster?names=cluster-a&names=cluster-c&names=nope', { session });
    expect(res.body.map((c: { name: string }) => c.name)).toEqual(['cluster-a', 'cluster-c']);
  });

  it('vcenter simulator - filters datastores by types and names together', async () => {
    const session = await login();
    const byType = await call('/api/vcenter/datastore?types=NFS&types=VMFS', { session });
    expect(byType.body.map((d: { name: string }) => d.name)).toEqual(['ds-bulk', 'ds-archive']);
    const both = await call('/api/vcenter/datastore?types=NFS&types=VMFS&names=ds-archive', { session });
    expect(both.body.map((d: { name: string }) => d.name)).toEqual(['ds-archive']);
  });

  it('vcenter simulator - filters networks by type and by a name with a space', async () => {
    const session = await login();
    const standard = await call('/api/vcenter/network?types=STANDARD_PORTGROUP', { session });
    expect(standard.body).toEqual([{ network: 'network-4', name: 'VM Network', type: 'STANDARD_PORTGROUP' }]);
    const named = await call(`/api/vcenter/network?names=${encodeURIComponent('VM Network')}`, { session });
    expect(named.body).toHaveLength(1);
  });

  it('vcenter simulator - answers 400 INVALID_ARGUMENT to an unknown type', async () => {
    const session = await login();
    const res = await call('/api/vcenter/datastore?types=FAT32', { session });
    expect(res.status).toBe(400);
    expect(res.body.error_type).toBe('INVALID_ARGUMENT');
    expect(res.body.messages[0].args).toEqual(['FAT32', 'com.vmware.vcenter.datastore.type']);
  });

  it('vcenter simulator - refuses a list of more than 1000 items with UNABLE_TO_ALLOCATE_RESOURCE', async () => {
    const networks = Array.from({ length: 1001 }, (_, i) => ({ name: `pg-${i}` }));
    await start({ seed: { clusters: [], datastores: [], networks } });
    const session = await login();
    const res = await call('/api/vcenter/network', { session });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      error_type: 'UNABLE_TO_ALLOCATE_RESOURCE',
      messages: [
        {
          args: [],
          default_message: 'Too many results to return. Increase the filter.',
          id: 'com.vmware.api.vcenter.too_many_results',
        },
      ],
    });
    const narrowed = await call('/api/vcenter/network?names=pg-1000', { session });
    expect(narrowed.body).toEqual([
      { network: 'dvportgroup-1001', name: 'pg-1000', type: 'DISTRIBUTED_PORTGROUP' },
    ]);
  });

  it('vcenter simulator - serves a replaced inventory after setSeed, a renamed cluster keeping its id', async () => {
    const session = await login();
    const seed: VcenterSimSeed = {
      clusters: [{ name: 'cluster-a' }, { name: 'cluster-renamed', ha: false, drs: false }],
      datastores: [],
      networks: [],
    };
    sim.control.setSeed(seed);
    const res = await call('/api/vcenter/cluster', { session });
    expect(res.body).toEqual([
      { cluster: 'domain-c1', name: 'cluster-a', ha_enabled: true, drs_enabled: true },
      { cluster: 'domain-c2', name: 'cluster-renamed', ha_enabled: false, drs_enabled: false },
    ]);
    expect((await call('/api/vcenter/datastore', { session })).body).toEqual([]);
  });

  it('vcenter simulator - refuses a malformed seed', async () => {
    expect(() =>
      sim.control.setSeed({
        clusters: [],
        datastores: [{ name: 'x', capacityGb: 1, freeGb: 2 }],
        networks: [],
      }),
    ).toThrow(/freeGb must not exceed capacityGb/);
  });
});

describe('vcenter simulator - HTTP conventions', () => {
  it('vcenter simulator - answers 404 NOT_FOUND to an unknown path, with or without a session', async () => {
    const expected = {
      error_type: 'NOT_FOUND',
      messages: [{ args: [], default_message: 'Not found.', id: 'com.vmware.vapi.rest.httpNotFound' }],
    };
    const anonymous = await call('/api/vcenter/vm');
    expect(anonymous.status).toBe(404);
    expect(anonymous.body).toEqual(expected);
    const legacy = await call('/rest/vcenter/cluster', { session: await login() });
    expect(legacy.status).toBe(404);
    expect(legacy.headers.get('content-type')).toBe('application/json');
  });

  it('vcenter simulator - answers 405 OPERATION_NOT_FOUND to a known path with another method', async () => {
    const res = await call('/api/vcenter/cluster', { method: 'POST', session: await login() });
    expect(res.status).toBe(405);
    expect(res.body.error_type).toBe('OPERATION_NOT_FOUND');
    expect(res.body.messages[0]).toMatchObject({ args: ['POST', '/api/vcenter/cluster'] });
  });

  it('vcenter simulator - logs every request with its status and whether it named a session', async () => {
    const session = await login();
    await call('/api/vcenter/cluster?names=cluster-a', { session });
    await call('/api/vcenter/cluster');
    expect(sim.control.requests()).toEqual([
      { method: 'POST', path: '/api/session', status: 201, sessionId: false },
      { method: 'GET', path: '/api/vcenter/cluster?names=cluster-a', status: 200, sessionId: true },
      { method: 'GET', path: '/api/vcenter/cluster', status: 401, sessionId: false },
    ]);
    expect(sim.control.requests({ method: 'get', path: /cluster/ })).toHaveLength(2);
  });
});

describe('vcenter simulator - faults', () => {
  it('vcenter simulator - answers an injected status to the next N matching requests only', async () => {
    const session = await login();
    sim.control.addFault({ method: 'GET', path: /\/cluster$/, kind: 'status', status: 503, times: 2 });
    const first = await call('/api/vcenter/cluster', { session });
    expect(first.status).toBe(503);
    expect(first.body.error_type).toBe('SERVICE_UNAVAILABLE');
    expect((await call('/api/vcenter/network', { session })).status).toBe(200);
    expect((await call('/api/vcenter/cluster', { session })).status).toBe(503);
    expect((await call('/api/vcenter/cluster', { session })).status).toBe(200);
  });

  it('vcenter simulator - destroys the socket of a request caught by a drop fault', async () => {
    const session = await login();
    sim.control.addFault({ path: '/api/vcenter/datastore', kind: 'drop' });
    await expect(call('/api/vcenter/datastore', { session })).rejects.toThrow();
    expect(sim.control.requests({ path: /datastore/ })).toEqual([
      { method: 'GET', path: '/api/vcenter/datastore', status: 'drop', sessionId: true },
    ]);
    expect((await call('/api/vcenter/datastore', { session })).status).toBe(200);
  });

  it('vcenter simulator - answers normally but late with a delay fault', async () => {
    const session = await login();
    sim.control.addFault({ path: '/api/vcenter/network', kind: 'delay', delayMs: 200 });
    const started = performance.now();
    const res = await call('/api/vcenter/network', { session });
    expect(performance.now() - started).toBeGreaterThanOrEqual(190);
    expect(res.status).toBe(200);
    expect(res.body).toHaveLength(4);
  });

  it('vcenter simulator - can fail the login itself', async () => {
    sim.control.addFault({ method: 'POST', path: '^/api/session$', kind: 'status', status: 500 });
    const res = await call('/api/session', { method: 'POST', basic: `${sim.username}:${sim.password}` });
    expect(res.status).toBe(500);
    expect(res.body.error_type).toBe('ERROR');
    expect(sim.control.sessionsCreated()).toBe(0);
  });

  it('vcenter simulator - refuses a malformed fault rule', () => {
    expect(() => sim.control.addFault({ path: 'x', kind: 'status', status: 200 })).toThrow(/invalid fault/);
    expect(() => sim.control.addFault({ path: 'x', kind: 'delay' })).toThrow(/invalid fault/);
  });
});
