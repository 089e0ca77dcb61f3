import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXAMPLE_VM, type InventoryLists, type Policy } from '@oo/contracts';
import { samplePolicy } from '@oo/read-model';
import { startAciSimulator, startVcenterSimulator, type VcenterSimulator } from '@oo/simulators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayListening, GatewayOptions } from '../src/index.js';
import { type GatewayBed, startGatewayBed, validBody, type Who } from './fixtures/gateway-bed.js';
import { call } from './fixtures/http.js';
import { selfSignedCert } from './fixtures/self-signed.js';

/** What the sample policy names, less the DMZ network, plus a cluster and a datastore it does not use. */
const lists: InventoryLists = {
  clusters: [{ name: 'cluster-a' }, { name: 'cluster-b' }, { name: 'cluster-c' }],
  datastores: [
    { name: 'ds-fast', type: 'VSAN', capacityGb: 4096, freeGb: 2500 },
    { name: 'ds-bulk' },
    { name: 'ds-archive' },
  ],
  networks: [{ name: 'INTRANET_DEV' }, { name: 'INTRANET_PROD' }],
};

let bed: GatewayBed;
let vcenter: VcenterSimulator;
let folder: string;
let file: string;
const started: Array<{ stop(): Promise<void> }> = [];

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'oo-inventory-'));
  file = join(folder, 'inventory.json');
  writeFileSync(file, JSON.stringify(lists));
  bed = await startGatewayBed();
  vcenter = await startVcenterSimulator({ port: 0 });
});
afterAll(async () => {
  for (const gateway of started) await gateway.stop();
  await bed?.stop();
  await vcenter?.stop();
  rmSync(folder, { recursive: true, force: true });
});

async function gatewayWith(inventory: GatewayOptions['inventory']): Promise<GatewayListening> {
  const another = await bed.another({ inventory });
  started.push(another);
  return another.listening;
}

const get = (gateway: GatewayListening, who: Who = 'adam') =>
  call(gateway, 'GET', '/v1/inventory', { headers: bed.auth(who) });
const put = (gateway: GatewayListening, policy: Policy) =>
  call(gateway, 'PUT', '/v1/policy', { headers: { ...bed.auth('adam'), 'if-match': '*' }, json: policy });

/** The sample policy with cluster-c (or another) added, and allowed on ds-bulk. */
const withCluster = (cluster: string): Policy => ({
  ...samplePolicy,
  clusters: [...samplePolicy.clusters, cluster],
  matrix: [...samplePolicy.matrix, { cluster, datastore: 'ds-bulk', allowed: true }],
});

describe('gateway - inventory', () => {
  it('answers 404 naming the key when no source is configured, and checks no policy against one', async () => {
    const res = await get(bed.listening);
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ code: 'OO_ERR_INVENTORY_NOT_CONFIGURED' });
    expect(res.body.detail).toContain('gateway.inventory');
    const stored = await put(bed.listening, withCluster('cluster-nowhere'));
    expect(stored.status).toBe(200);
    expect(stored.body.policy.clusters).toContain('cluster-nowhere');
    expect((await put(bed.listening, samplePolicy)).status).toBe(200);
  });

  it("lists a file's clusters, datastores and networks, and the policy's names it lacks", async () => {
    const gateway = await gatewayWith({ file, cacheMs: 60_000 });
    const res = await get(gateway);
    expect(res.status).toBe(200);
    const version = (await bed.readModel.getPolicy()).version;
    expect(res.body).toEqual({
      ...lists,
      source: `file:${file}`,
      fetchedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
      policyVersion: version,
      gaps: [{ path: 'networks.2.name', message: `network "DMZ" is not in the inventory (file:${file})` }],
    });
  });

  it('is for admins only', async () => {
    const gateway = await gatewayWith({ file, cacheMs: 60_000 });
    for (const who of ['alice', 'olga'] as const) {
      const res = await get(gateway, who);
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('OO_ERR_AUTH_FORBIDDEN');
    }
    expect((await call(gateway, 'GET', '/v1/inventory')).status).toBe(401);
  });

  it('refuses a policy bringing in a name the inventory lacks, naming each, and stores one it holds', async () => {
    const gateway = await gatewayWith({ file, cacheMs: 60_000 });
    const before = await bed.readModel.getPolicy();
    const withTwo: Policy = {
      ...withCluster('cluster-z'),
      datastores: [...samplePolicy.datastores, 'ds-nowhere'],
    };
    const refused = await put(gateway, withTwo);
    expect(refused.status).toBe(422);
    expect(refused.body.code).toBe('OO_ERR_POLICY_INVALID');
    expect(refused.body.errors).toEqual([
      { path: 'clusters.2', message: `cluster "cluster-z" is not in the inventory (file:${file})` },
      { path: 'datastores.2', message: `datastore "ds-nowhere" is not in the inventory (file:${file})` },
    ]);
    expect(await bed.readModel.getPolicy()).toEqual(before);

    // DMZ is not in the inventory either, but the policy had it: it does not stand in the way.
    const stored = await put(gateway, withCluster('cluster-c'));
    expect(stored.status).toBe(200);
    expect(stored.body.policy.clusters).toEqual(['cluster-a', 'cluster-b', 'cluster-c']);
    expect((await put(gateway, samplePolicy)).status).toBe(200);
  });

  it("offers a requester's form only the networks the inventory lists, and all of them when it cannot be read", async () => {
    const listed = await gatewayWith({ file, cacheMs: 60_000 });
    const res = await call(listed, 'GET', '/v1/catalog/options', { headers: bed.auth('alice') });
    expect(res.status).toBe(200);
    expect(res.body.virtualMachine.networks).toEqual([
      { name: 'INTRANET_DEV', env: 'dev' },
      { name: 'INTRANET_PROD', env: 'prod' },
    ]);
    expect(res.body.inventory).toEqual({
      source: `file:${file}`,
      fetchedAt: expect.stringMatching(/^\d{4}-/),
    });

    const unreadable = await gatewayWith({ file: join(folder, 'gone.json'), cacheMs: 60_000 });
    const fallback = await call(unreadable, 'GET', '/v1/catalog/options', { headers: bed.auth('alice') });
    expect(fallback.status).toBe(200);
    expect(fallback.body.virtualMachine.networks.map((n: { name: string }) => n.name)).toEqual([
      'INTRANET_DEV',
      'INTRANET_PROD',
      'DMZ',
    ]);
    expect(fallback.body.inventory).toBeNull();
  });

  it('answers 503 when the source cannot be read, and still stores a change that brings in no name', async () => {
    const missing = join(folder, 'missing.json');
    const gateway = await gatewayWith({ file: missing, cacheMs: 60_000 });
    const res = await get(gateway);
    expect(res.status).toBe(503);
    expect(res.body.code).toBe('OO_ERR_INVENTORY_UNAVAILABLE');
    expect(res.body.detail).toMatch(`inventory file ${missing} cannot be read: ENOENT (trace `);
    expect(res.body.source).toBe(`file:${missing}`);

    const before = await bed.readModel.getPolicy();
    expect((await put(gateway, withCluster('cluster-c'))).status).toBe(503);
    expect(await bed.readModel.getPolicy()).toEqual(before);
    const bounds: Policy = { ...samplePolicy, bounds: { ...samplePolicy.bounds, cpu: { min: 1, max: 6 } } };
    const stored = await put(gateway, bounds);
    expect(stored.status).toBe(200);
    expect(stored.body.policy.bounds.cpu.max).toBe(6);
    expect((await put(gateway, samplePolicy)).status).toBe(200);
  });

  it('names what is wrong with a file that is no inventory', async () => {
    const bad = join(folder, 'bad.json');
    const gateway = await gatewayWith({ file: bad, cacheMs: 0 });
    writeFileSync(bad, '{"clusters": [');
    expect((await get(gateway)).body.detail).toMatch(/^inventory file .*bad\.json is not JSON: /);
    writeFileSync(bad, JSON.stringify({ clusters: [{ name: 7 }], datastores: [], networks: [], vms: [] }));
    const res = await get(gateway);
    expect(res.status).toBe(503);
    expect(res.body.detail).toContain('is not an inventory: ');
    expect(res.body.detail).toContain('clusters.0.name');
  });

  it('keeps a read for cacheMs, and reads the file again after it', async () => {
    const changing = join(folder, 'changing.json');
    writeFileSync(changing, JSON.stringify(lists));
    const kept = await gatewayWith({ file: changing, cacheMs: 60_000 });
    const fresh = await gatewayWith({ file: changing, cacheMs: 0 });
    const first = await get(kept);
    expect((await get(fresh)).body.clusters).toHaveLength(3);
    writeFileSync(changing, JSON.stringify({ ...lists, clusters: [{ name: 'cluster-a' }] }));
    const again = await get(kept);
    expect(again.body.clusters).toHaveLength(3);
    expect(again.body.fetchedAt).toBe(first.body.fetchedAt);
    expect((await get(fresh)).body.clusters).toEqual([{ name: 'cluster-a' }]);
  });

  it("lists vCenter's clusters, datastores and networks through its REST API, one session for many reads", async () => {
    const gateway = await gatewayWith({
      vcenter: { url: vcenter.url, username: vcenter.username, password: vcenter.password, timeoutMs: 5_000 },
      cacheMs: 0,
    });
    const sessionsBefore = vcenter.control.sessionsCreated();
    const res = await get(gateway);
    expect(res.status).toBe(200);
    expect(res.body.source).toBe(`vcenter:${vcenter.url}`);
    expect(res.body.clusters).toEqual([
      { name: 'cluster-a', id: expect.stringMatching(/^domain-c\d+$/) },
      { name: 'cluster-b', id: expect.stringMatching(/^domain-c\d+$/) },
      { name: 'cluster-c', id: expect.stringMatching(/^domain-c\d+$/) },
    ]);
    expect(res.body.datastores[0]).toEqual({
      name: 'ds-fast',
      id: expect.stringMatching(/^datastore-\d+$/),
      type: 'VSAN',
      capacityGb: 4096,
      freeGb: 2500,
    });
    expect(res.body.gaps).toEqual([]);
    expect((await get(gateway)).status).toBe(200);
    expect(vcenter.control.sessionsCreated() - sessionsBefore).toBe(1);

    // vCenter forgets its sessions (a restart): the next read logs in again and still answers.
    vcenter.control.expireSessions();
    expect((await get(gateway)).body.clusters).toHaveLength(3);
    expect(vcenter.control.sessionsCreated() - sessionsBefore).toBe(2);
  });

  it('answers 503 when vCenter refuses the credentials, never showing the password', async () => {
    const password = 'not-the-password-0123';
    const gateway = await gatewayWith({
      vcenter: { url: vcenter.url, username: vcenter.username, password, timeoutMs: 5_000 },
      cacheMs: 0,
    });
    const res = await get(gateway);
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({
      code: 'OO_ERR_INVENTORY_UNAVAILABLE',
      source: `vcenter:${vcenter.url}`,
    });
    expect(res.body.detail).toContain(`refused the credentials of ${vcenter.username} (401 UNAUTHENTICATED)`);
    expect(res.text).not.toContain(password);

    const before = await bed.readModel.getPolicy();
    expect((await put(gateway, withCluster('cluster-c'))).status).toBe(503);
    expect(await bed.readModel.getPolicy()).toEqual(before);
  });

  it("trusts vCenter's CA from caFile, and refuses to start when caFile cannot be read", async () => {
    const tls = selfSignedCert();
    const secure = await startVcenterSimulator({ tls: { key: tls.key, cert: tls.cert } });
    try {
      const vcenterOf = (caFile: string) => ({
        url: secure.url,
        username: secure.username,
        password: secure.password,
        caFile,
        timeoutMs: 5_000,
      });
      const gateway = await gatewayWith({ vcenter: vcenterOf(tls.certFile), cacheMs: 0 });
      const res = await get(gateway);
      expect(res.status).toBe(200);
      expect(res.body.source).toBe(`vcenter:${secure.url}`);
      expect(res.body.networks.map((n: { name: string }) => n.name)).toContain('DMZ');

      const missing = join(folder, 'no-ca.pem');
      await expect(gatewayWith({ vcenter: vcenterOf(missing), cacheMs: 0 })).rejects.toThrow(
        `gateway.inventory.vcenter.caFile: cannot read ${missing}: ENOENT`,
      );
    } finally {
      await secure.stop();
      tls.remove();
    }
  });

  it("takes the networks from ACI's EPGs beside vCenter's clusters, naming APIC where a network is missing", async () => {
    const aci = await startAciSimulator({ port: 0 });
    try {
      const gateway = await gatewayWith({
        vcenter: {
          url: vcenter.url,
          username: vcenter.username,
          password: vcenter.password,
          timeoutMs: 5_000,
        },
        aci: { url: aci.url, username: aci.username, password: aci.password, timeoutMs: 5_000 },
        cacheMs: 0,
      });
      const res = await get(gateway);
      expect(res.status).toBe(200);
      expect(res.body.source).toBe(`vcenter:${vcenter.url}, networks from aci:${aci.url}`);
      expect(res.body.clusters.map((c: { name: string }) => c.name)).toEqual([
        'cluster-a',
        'cluster-b',
        'cluster-c',
      ]);
      expect(res.body.networks).toContainEqual({
        name: 'DMZ',
        id: 'uni/tn-OO/ap-VMS/epg-DMZ',
        type: 'ACI_EPG',
      });
      expect(res.body.networks.map((n: { name: string }) => n.name).sort()).toEqual([
        'DMZ',
        'INTRANET_DEV',
        'INTRANET_PROD',
        'MGMT',
      ]);
      expect(res.body.gaps).toEqual([]);

      const storage = {
        name: 'STORAGE',
        env: 'sto',
        cidr: '10.30.0.0/24',
        gateway: '10.30.0.1',
        dns: ['10.30.0.2'],
      };
      const refused = await put(gateway, {
        ...samplePolicy,
        networks: [...samplePolicy.networks, { ...storage, reserved: [] }],
      });
      expect(refused.status).toBe(422);
      expect(refused.body.errors).toEqual([
        { path: 'networks.3.name', message: `network "STORAGE" is not in the inventory (aci:${aci.url})` },
      ]);
    } finally {
      await aci.stop();
    }
  });
  it('refuses a request for a network the policy permits but the inventory lacks, naming each, and leaves one it does not permit to the policy', async () => {
    const gateway = await gatewayWith({ file, cacheMs: 60_000 });
    const dmz = { ...EXAMPLE_VM, network: 'DMZ' };
    const dns = {
      type: 'dns_record',
      zone: 'intranet.example',
      name: 'app',
      recordType: 'A',
      value: '10.0.0.9',
    };
    const sentBefore = bed.commands.all.length;
    const refused = await call(gateway, 'POST', '/v1/requests', {
      headers: bed.auth('alice'),
      json: { resources: [EXAMPLE_VM, dns, dmz, dmz, { ...EXAMPLE_VM, network: 'NOWHERE' }] },
    });
    expect(refused.status).toBe(422);
    expect(refused.body.code).toBe('OO_ERR_INVENTORY_NAME_UNKNOWN');
    expect(refused.body.detail).toContain('the request asks for 2 networks the inventory does not hold');
    const missing = `network "DMZ" is not in the inventory (file:${file})`;
    expect(refused.body.errors).toEqual([
      { path: 'resources.2.network', message: missing },
      { path: 'resources.3.network', message: missing },
    ]);

    // A network the policy does not permit is the policy's to reject, with every other reason.
    const notPermitted = { resources: [{ ...EXAMPLE_VM, network: 'NOWHERE' }] };
    const accepted: string[] = [];
    for (const json of [validBody, notPermitted]) {
      const res = await call(gateway, 'POST', '/v1/requests', { headers: bed.auth('alice'), json });
      expect(res.status).toBe(202);
      accepted.push(res.body.requestId);
      const sent = await bed.commands.next((c) => c.requestId === res.body.requestId);
      expect(sent.subject).toBe('oo.cmd.requests.submit');
    }
    // Only the accepted ones reached the bus.
    expect(bed.commands.all.slice(sentBefore).map((c) => c.requestId)).toEqual(accepted);
  });

  it('still takes a request when the inventory cannot be read, and checks none without a source', async () => {
    const dmz = { resources: [{ ...EXAMPLE_VM, network: 'DMZ' }] };
    const unreadable = await gatewayWith({ file: join(folder, 'absent.json'), cacheMs: 60_000 });
    for (const gateway of [unreadable, bed.listening]) {
      const res = await call(gateway, 'POST', '/v1/requests', { headers: bed.auth('alice'), json: dmz });
      expect(res.status).toBe(202);
      expect((await bed.commands.next((c) => c.requestId === res.body.requestId)).body).toMatchObject(dmz);
    }
  });

  it('holds a rerun to the inventory: the edited body, else the original', async () => {
    const gateway = await gatewayWith({ file, cacheMs: 60_000 });
    const original = await bed.knownRequest({ by: 'alice', status: 'failed' });
    const rerun = (json: unknown) =>
      call(gateway, 'POST', `/v1/requests/${original.requestId}/rerun`, { headers: bed.auth('olga'), json });
    const edited = await rerun({ mode: 'restart', body: { resources: [{ ...EXAMPLE_VM, network: 'DMZ' }] } });
    expect(edited.status).toBe(422);
    expect(edited.body.errors).toEqual([
      { path: 'resources.0.network', message: `network "DMZ" is not in the inventory (file:${file})` },
    ]);
    expect((await rerun({ mode: 'resume' })).status).toBe(202);

    const onDmz = await bed.knownRequest({ by: 'alice', status: 'failed' });
    await bed.fold({
      ...onDmz,
      body: { managed: false, resources: [{ ...EXAMPLE_VM, network: 'DMZ', count: 1 }] },
    });
    const again = await call(gateway, 'POST', `/v1/requests/${onDmz.requestId}/rerun`, {
      headers: bed.auth('olga'),
      json: { mode: 'resume' },
    });
    expect(again.status).toBe(422);
    expect(again.body.errors.map((e: { path: string }) => e.path)).toEqual(['resources.0.network']);
  });
});
