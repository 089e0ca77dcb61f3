/**
 * The seed's use case, end to end over HTTP against `oo up` as a user runs it: "a RHEL VM on
 * INTRANET_DEV, 2 CPU, 8 GB, 100 GB disk" -> git commit -> exactly one AWX launch with the
 * expected extra_vars -> job successful -> request succeeded, notice written, one trace.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstream } from '@nats-io/jetstream';
import { connect, headers } from '@nats-io/transport-node';
import { type ChildHandle, spawnTsx, waitFor } from '@oo/test-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOtlpReceiver } from '../../../actors/runtime/test/fixtures/otlp-receiver.js';
import { vmRequest } from './fixtures/seed-vm.js';

const main = new URL('../../../cli/src/main.ts', import.meta.url).pathname;

interface Up {
  nats: string;
  gateway: string;
  adminToken: string;
  simulators: { awx: string; tfe: string; vcenter: string; apic: string };
}

let otlp: Awaited<ReturnType<typeof startOtlpReceiver>>;
let up: ChildHandle;
let info: Up;
let data: string;

async function api(path: string, init: RequestInit = {}) {
  const res = await fetch(`${info.gateway}${path}`, {
    ...init,
    headers: {
      authorization: `Bearer ${info.adminToken}`,
      'content-type': 'application/json',
      ...init.headers,
    },
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** Waits until a span of each name has arrived over OTLP in the given trace. */
async function spansInTrace(traceId: string, names: readonly string[]) {
  await waitFor(
    () => names.every((name) => otlp.spans.some((span) => span.traceId === traceId && span.name === name)),
    { timeoutMs: 20_000, what: `spans ${names.join(', ')} in trace ${traceId}` },
  );
}

async function finished(requestId: string) {
  return waitFor(
    async () => {
      const { body } = await api(`/v1/requests/${requestId}`);
      return ['succeeded', 'failed', 'rejected', 'cancelled'].includes(String(body.status)) && body;
    },
    { timeoutMs: 120_000, intervalMs: 500, what: `request ${requestId} to end` },
  );
}

beforeAll(async () => {
  data = mkdtempSync(join(tmpdir(), 'oo-e2e-'));
  otlp = await startOtlpReceiver();
  const env = {
    NATS_URL: '',
    OO_LOG_LEVEL: 'warn',
    OO_GATEWAY_PORT: '0',
    OO_FILESTORE_PORT: '0',
    OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url,
  };
  up = spawnTsx(main, env, ['up', '--data', data]);
  await up.waitForLine(/^OO is up\./, 150_000);
  info = JSON.parse(readFileSync(join(data, 'up.json'), 'utf8')) as Up;
});

afterAll(async () => {
  expect(await up.kill('SIGTERM')).toBe(0);
  await otlp.stop();
});

describe('seed use case over HTTP', () => {
  it('builds an unmanaged RHEL VM: one commit, exactly one AWX launch, request succeeded, notice sent', async () => {
    const submitted = await api('/v1/requests', {
      method: 'POST',
      body: JSON.stringify(vmRequest()),
    });
    expect(submitted.status).toBe(202);
    const requestId = String(submitted.body.requestId);
    const traceId = String(submitted.body.traceId);

    const request = await finished(requestId);
    expect(request).toMatchObject({ status: 'succeeded', traceId, template: 'vm-unmanaged' });
    expect((request.commits as unknown[]).length).toBe(1);
    // A list, also of one VM: a client reads one shape whatever the count.
    expect(request.outputs).toMatchObject({
      vms: [
        {
          name: expect.stringMatching(/^dev-rhel9-\d{4}$/),
          ip: expect.stringMatching(/^10\.10\.0\.\d+$/),
        },
      ],
    });

    const launches = (await (await fetch(`${info.simulators.awx}/_sim/launches`)).json()) as {
      counts: Record<string, number>;
    };
    expect(launches.counts['oo-build-vm']).toBe(1);
    const jobs = (await (
      await fetch(`${info.simulators.awx}/_sim/jobs?job_template=oo-build-vm`)
    ).json()) as {
      jobs: Array<{ extraVars: Record<string, unknown> }>;
    };
    expect(jobs.jobs[0]?.extraVars).toMatchObject({
      vm_cpu: 2,
      vm_memory_mb: 8192,
      vm_ip: expect.stringMatching(/^10\.10\.0\./),
    });

    await waitFor(() => readdirSync(join(data, 'mail')).some((f) => f.startsWith(requestId)), {
      timeoutMs: 20_000,
      what: 'the notices',
    });
    const mail = readdirSync(join(data, 'mail'))
      .filter((f) => f.startsWith(requestId))
      .map((f) => readFileSync(join(data, 'mail', f), 'utf8'))
      .join('\n');
    expect(mail).toContain(requestId);
    expect(mail).toContain(traceId);

    // Every actor's spans for this request, exported over OTLP, are in the request's one trace.
    const expected = [
      'POST /v1/requests',
      'oo.cmd.requests.submit process',
      'oo.cmd.engine.start process',
      'oo.task.rfm.commit process',
      'oo.task.ansible.prepare process',
      'oo.task.awx.launch process',
      'oo.task.awx.wait_job process',
      'oo.evt.task.succeeded process',
    ];
    await spansInTrace(traceId, expected);
  });

  it('builds a managed VM through Terraform: one workspace, one run, applied, outputs from state', async () => {
    const submitted = await api('/v1/requests', {
      method: 'POST',
      body: JSON.stringify(
        vmRequest(
          { os: 'ubuntu24', network: 'INTRANET_PROD', cpu: 4, memoryGb: 16, disks: [{ sizeGb: 50 }] },
          { managed: true },
        ),
      ),
    });
    expect(submitted.status).toBe(202);
    const request = await finished(String(submitted.body.requestId));
    expect(request).toMatchObject({
      status: 'succeeded',
      template: 'vm-managed',
      outputs: {
        vms: [{ status: 'applied', outputs: { vm_name: expect.stringMatching(/^prod-ubuntu24-/) } }],
      },
    });
    const vms = (request.outputs as { vms: Array<{ workspace: string }> }).vms;
    expect(vms).toHaveLength(1);
    const vm = vms[0] as { workspace: string };
    const workspace = (await (
      await fetch(`${info.simulators.tfe}/_sim/workspaces/${vm.workspace}`)
    ).json()) as {
      runCount: number;
      configurationVersionCount: number;
    };
    expect(workspace).toMatchObject({ runCount: 1, configurationVersionCount: 1 });
    const traceId = String(submitted.body.traceId);
    const expected = [
      'oo.task.rfm.commit process',
      'oo.task.terraform.prepare process',
      'oo.task.tfe.create_run process',
    ];
    await spansInTrace(traceId, expected);
  });

  it('processes a request published straight onto NATS with a service token like an HTTP one, and tells why a body is refused', async () => {
    const mint = spawnTsx(main, {}, [
      'token',
      'create',
      '--role',
      'service',
      '--name',
      'monitoring',
      '--nats',
      '--data',
      data,
    ]);
    expect(await mint.exited()).toBe(0);
    const serviceToken = mint.output().trim();

    // The README's example: any NATS client, the request body, a service identity.
    const nc = await connect({ servers: info.nats });
    const h = headers();
    h.set('oo-principal', serviceToken);
    h.set('oo-request-id', 'req_from_monitoring_0001');
    const body = vmRequest();
    await jetstream(nc).publish('oo.cmd.requests.submit', JSON.stringify(body), {
      headers: h,
      msgID: 'monitoring-0001',
    });
    // A body its schema refuses: the sender hears why as a rejected request, like a policy refusal.
    const refused = headers();
    refused.set('oo-principal', serviceToken);
    refused.set('oo-request-id', 'req_from_monitoring_0002');
    await jetstream(nc).publish('oo.cmd.requests.submit', JSON.stringify(vmRequest({ cpu: 'two' })), {
      headers: refused,
    });
    await nc.close();

    const request = await finished('req_from_monitoring_0001');
    expect(request).toMatchObject({
      status: 'succeeded',
      submittedBy: 'monitoring',
      template: 'vm-unmanaged',
    });
    expect(await finished('req_from_monitoring_0002')).toMatchObject({
      status: 'rejected',
      submittedBy: 'monitoring',
      resources: [],
      reasons: [{ path: 'resources.0.cpu', message: expect.stringContaining('number') }],
    });
  });

  it('lists the templates it runs, each with its version and description', async () => {
    const { status, body } = await api('/v1/templates');
    expect(status).toBe(200);
    const items = body.items as Array<{ name: string; version: number; description: string }>;
    expect(items.map((t) => t.name)).toEqual(
      expect.arrayContaining(['vm-unmanaged', 'vm-managed', 'dns-record', 'awx-job', 'tfe-run']),
    );
    expect(items.find((t) => t.name === 'dns-record')).toMatchObject({
      version: 2,
      description: expect.stringContaining('DNS records'),
    });
  });

  it('reads the inventory from the simulated vCenter and APIC: what the sample policy names, and more to choose', async () => {
    const { status, body } = await api('/v1/inventory');
    expect(status).toBe(200);
    expect(body.source).toBe(`vcenter:${info.simulators.vcenter}, networks from aci:${info.simulators.apic}`);
    const names = (list: unknown) => (list as Array<{ name: string }>).map((item) => item.name);
    expect(names(body.clusters)).toEqual(['cluster-a', 'cluster-b', 'cluster-c']);
    expect(names(body.datastores)).toEqual(['ds-fast', 'ds-bulk', 'ds-archive']);
    // The networks are the APIC's EPGs: MGMT is one, and vCenter's 'VM Network' port group is not.
    expect(names(body.networks).sort()).toEqual(['DMZ', 'INTRANET_DEV', 'INTRANET_PROD', 'MGMT']);
    expect(body.gaps).toEqual([]);
  });

  it('makes a DNS record through AWX: one commit in its own repository, one oo-dns-record launch', async () => {
    const submitted = await api('/v1/requests', {
      method: 'POST',
      body: JSON.stringify({
        resources: [
          { type: 'dns_record', zone: 'intranet.example', name: 'app', recordType: 'A', value: '10.10.0.77' },
        ],
      }),
    });
    expect(submitted.status).toBe(202);
    const request = await finished(String(submitted.body.requestId));
    expect(request).toMatchObject({
      status: 'succeeded',
      template: 'dns-record',
      outputs: {
        repo: join(data, 'git', 'dns_record.git'),
        records: [{ fqdn: 'app.intranet.example', type: 'A', value: '10.10.0.77' }],
        jobs: [{ status: 'successful' }],
      },
    });
    const repo = join(data, 'git', 'dns_record.git');
    expect(execFileSync('git', ['-C', repo, 'rev-list', '--count', '--all']).toString().trim()).toBe('1');
    const { jobs } = (await (
      await fetch(`${info.simulators.awx}/_sim/jobs?job_template=oo-dns-record`)
    ).json()) as {
      jobs: Array<{ extraVars: Record<string, unknown> }>;
    };
    expect(jobs).toHaveLength(1);
    expect(jobs[0]?.extraVars).toMatchObject({
      dns_fqdn: 'app.intranet.example',
      dns_type: 'A',
      dns_value: '10.10.0.77',
    });
  });

  it('fails a request whose AWX job fails, with the output tail, and a resumed rerun succeeds without a second commit', async () => {
    const outcome = await fetch(`${info.simulators.awx}/_sim/outcomes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jobTemplate: 'oo-build-vm', outcome: 'failed', times: 1 }),
    });
    expect(outcome.ok).toBe(true);
    const submitted = await api('/v1/requests', {
      method: 'POST',
      body: JSON.stringify(vmRequest({ cpu: 1, memoryGb: 2, disks: [{ sizeGb: 20 }] })),
    });
    const first = await finished(String(submitted.body.requestId));
    expect(first.status).toBe('failed');
    expect(JSON.stringify(first.error)).toMatch(/PLAY RECAP|failed=/);
    const repo = (first.commits as Array<{ repo: string }>)[0]!.repo;
    const commitsBefore = execFileSync('git', ['-C', repo, 'rev-list', '--count', '--all']).toString().trim();

    const rerun = await api(`/v1/requests/${String(submitted.body.requestId)}/rerun`, {
      method: 'POST',
      body: JSON.stringify({ mode: 'resume' }),
    });
    expect(rerun.status).toBe(202);
    expect(rerun.body.traceId).toBe(submitted.body.traceId);
    const second = await finished(String(rerun.body.requestId));
    expect(second).toMatchObject({ status: 'succeeded', rerunOf: submitted.body.requestId });
    expect(execFileSync('git', ['-C', repo, 'rev-list', '--count', '--all']).toString().trim()).toBe(
      commitsBefore,
    );
  });

  it('rejects a request outside the policy with every reason, and a malformed one with 422 naming the fields', async () => {
    const bad = await api('/v1/requests', {
      method: 'POST',
      body: JSON.stringify(vmRequest({ cpu: 2000, x: 1 })),
    });
    expect(bad.status).toBe(422);
    expect((bad.body.errors as Array<{ path: string }>).map((e) => e.path).sort()).toEqual([
      'resources.0.cpu',
      'resources.0.x',
    ]);

    const outside = await api('/v1/requests', {
      method: 'POST',
      body: JSON.stringify(vmRequest({ os: 'beos', network: 'NOWHERE' })),
    });
    expect(outside.status).toBe(202);
    const request = await finished(String(outside.body.requestId));
    expect(request.status).toBe('rejected');
    expect((request.reasons as Array<{ path: string }>).map((r) => r.path).sort()).toEqual([
      'resources.0.network',
      'resources.0.os',
    ]);
    expect(request.error).toMatchObject({ code: 'OO_ERR_RFM_REJECTED' });
    expect(JSON.stringify(request.error)).toMatch(/beos/);
    expect(JSON.stringify(request.error)).toMatch(/NOWHERE/);
  });

  it('applies a policy an admin PUTs: a request over the new CPU max is rejected naming resources.0.cpu, and reruns once the policy allows it', async () => {
    const current = await api('/v1/policy');
    expect(current.status).toBe(200);
    const original = current.body as { version: number; policy: { bounds: { cpu: { max: number } } } };
    const lowered = {
      ...original.policy,
      bounds: { ...original.policy.bounds, cpu: { min: 1, max: 2 } },
    };
    const changed = await api('/v1/policy', {
      method: 'PUT',
      headers: { 'if-match': `"${original.version}"` },
      body: JSON.stringify(lowered),
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ version: original.version + 1, policy: lowered });
    const read = await fetch(`${info.gateway}/v1/policy`, {
      headers: { authorization: `Bearer ${info.adminToken}` },
    });
    expect(read.headers.get('etag')).toBe(`"${original.version + 1}"`);
    expect(((await read.json()) as { version: number }).version).toBe(original.version + 1);

    const submitted = await api('/v1/requests', {
      method: 'POST',
      body: JSON.stringify(vmRequest({ cpu: 4 })),
    });
    expect(submitted.status).toBe(202);
    const rejected = await finished(String(submitted.body.requestId));
    expect(rejected.status).toBe('rejected');
    expect(rejected.reasons).toEqual([{ path: 'resources.0.cpu', message: expect.stringMatching(/2/) }]);
    expect(rejected.error).toMatchObject({
      code: 'OO_ERR_RFM_REJECTED',
      details: { reasons: [{ path: 'resources.0.cpu' }] },
    });
    expect(rejected.commits).toEqual([]);

    // The admin widens the policy again; the rejected request reruns, in its trace, and succeeds.
    const restored = await api('/v1/policy', {
      method: 'PUT',
      headers: { 'if-match': `"${original.version + 1}"` },
      body: JSON.stringify(original.policy),
    });
    expect(restored.status).toBe(200);
    const history = await api('/v1/policy/history?limit=3');
    expect((history.body.items as Array<{ version: number; updatedBy: string }>).slice(0, 2)).toEqual([
      expect.objectContaining({ version: original.version + 2 }),
      expect.objectContaining({ version: original.version + 1 }),
    ]);
    const rerun = await api(`/v1/requests/${String(submitted.body.requestId)}/rerun`, {
      method: 'POST',
      body: JSON.stringify({ mode: 'resume' }),
    });
    expect(rerun.status).toBe(202);
    const second = await finished(String(rerun.body.requestId));
    expect(second).toMatchObject({ status: 'succeeded', traceId: submitted.body.traceId });
  });
});
