import { OoError } from '@oo/contracts';
import { type AwxSimulator, type AwxSimulatorOptions, startAwxSimulator } from '@oo/simulators';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AwxClient, type AwxClientOptions, createAwxClient, jobExtraVars } from '../src/index.js';

let sim: AwxSimulator;
let client: AwxClient;
const clients: AwxClient[] = [];

function connect(options: Partial<AwxClientOptions> = {}): AwxClient {
  const c = createAwxClient({
    baseUrl: sim.url,
    token: sim.token,
    apiPath: sim.prefix,
    retry: { maxAttempts: 4, baseDelayMs: 5, maxDelayMs: 20 },
    ...options,
  });
  clients.push(c);
  return c;
}

async function restart(options: AwxSimulatorOptions): Promise<void> {
  await sim.stop();
  sim = await startAwxSimulator({ stepDelayMs: 20, ...options });
  client = connect();
}

beforeEach(async () => {
  sim = await startAwxSimulator({ stepDelayMs: 20 });
  client = connect();
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await sim.stop();
});

/** The OoError a promise rejects with. */
async function failure(promise: Promise<unknown>): Promise<OoError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof OoError) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

const fast = { pollIntervalMs: 10, timeoutMs: 10_000 };

/** Polls the simulator's in-process control handle until `check` holds. */
async function until(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

describe('awx client - job templates and launch', () => {
  it('awx client - finds a job template by name', async () => {
    const jt = await client.findJobTemplate('oo-build-vm');
    expect(jt).toMatchObject({ name: 'oo-build-vm', ask_variables_on_launch: true });
  });

  it('awx client - reports an unknown job template as OO_ERR_AWX_JOB_TEMPLATE_NOT_FOUND', async () => {
    const error = await failure(client.findJobTemplate('nope'));
    expect(error).toMatchObject({ code: 'OO_ERR_AWX_JOB_TEMPLATE_NOT_FOUND', retryable: false });
  });

  it('awx client - reports two templates of one name as ambiguous unless the organization is given', async () => {
    sim.control.addJobTemplate({ name: 'oo-build-vm', organization: 'Other' });
    const error = await failure(client.findJobTemplate('oo-build-vm'));
    expect(error.code).toBe('OO_ERR_AWX_JOB_TEMPLATE_AMBIGUOUS');
    const jt = await client.findJobTemplate('oo-build-vm', { organization: 'Other' });
    expect(jt.organization).not.toBeNull();
  });

  it('awx client - launches with extra_vars and limit and the job ends successful', async () => {
    const jt = await client.findJobTemplate('oo-build-vm');
    const launched = await client.launch(jt, {
      extraVars: { vm_name: 'web01', vm_cpu: 2 },
      limit: 'localhost',
    });
    expect(launched.status).toBe('pending');
    expect(jobExtraVars(launched)).toEqual({ vm_name: 'web01', vm_cpu: 2 });
    const job = await client.waitForJob(launched.job, fast);
    expect(job).toMatchObject({ status: 'successful', failed: false, event_processing_finished: true });
    expect(sim.control.launchCount('oo-build-vm')).toBe(1);
  });

  it('awx client - fails clearly when AWX ignores extra_vars, naming the flag to enable', async () => {
    sim.control.updateJobTemplate('oo-build-vm', { ask_variables_on_launch: false });
    const jt = await client.findJobTemplate('oo-build-vm');
    const error = await failure(client.launch(jt, { extraVars: { vm_name: 'web01' } }));
    expect(error.code).toBe('OO_ERR_AWX_PROMPT_IGNORED');
    expect(error.retryable).toBe(false);
    expect(error.message).toBe(
      'AWX ignored extra_vars: enable Prompt on launch (ask_variables_on_launch) on job template oo-build-vm',
    );
    // The job that AWX started without the variables does not run on.
    expect(error.details).toMatchObject({ jobCanceled: true });
    const jobId = error.details?.jobId as number;
    await until(() => sim.control.job(jobId)?.status === 'canceled');
  });

  it('awx client - maps a missing survey answer to OO_ERR_AWX_LAUNCH_BLOCKED', async () => {
    const id = sim.control.addJobTemplate({
      name: 'surveyed',
      survey: [{ variable: 'vm_name', type: 'text', required: true }],
    });
    const error = await failure(client.launch(id, {}));
    expect(error).toMatchObject({ code: 'OO_ERR_AWX_LAUNCH_BLOCKED', retryable: false });
    expect(error.details?.body).toEqual({ variables_needed_to_start: ["'vm_name' value missing"] });
  });

  it('awx client - does not retry a launch that got 503', async () => {
    sim.control.injectFault({ method: 'POST', path: /launch\/$/, kind: 'status', status: 503, times: 5 });
    const jt = await client.findJobTemplate('oo-build-vm');
    const error = await failure(client.launch(jt, { extraVars: { oo_task_key: 't1' } }));
    expect(error).toMatchObject({ code: 'OO_ERR_AWX_LAUNCH_UNCONFIRMED', retryable: true });
    expect(sim.control.requests({ method: 'POST', path: /launch\/$/ })).toHaveLength(1);
    expect(sim.control.launchCount('oo-build-vm')).toBe(0);
  });

  it('awx client - does not retry a launch whose answer was lost after the job was created', async () => {
    sim.control.injectFault({
      method: 'POST',
      path: /launch\/$/,
      kind: 'status',
      status: 502,
      when: 'after',
    });
    const jt = await client.findJobTemplate('oo-build-vm');
    const error = await failure(client.launch(jt, { extraVars: { oo_task_key: 't1' } }));
    expect(error.code).toBe('OO_ERR_AWX_LAUNCH_UNCONFIRMED');
    expect(sim.control.launchCount('oo-build-vm')).toBe(1);
  });

  it('awx client - does not retry a launch whose connection was reset', async () => {
    sim.control.injectFault({ method: 'POST', path: /launch\/$/, kind: 'reset', when: 'after' });
    const jt = await client.findJobTemplate('oo-build-vm');
    const error = await failure(client.launch(jt, { extraVars: { oo_task_key: 't1' } }));
    expect(error).toMatchObject({
      code: 'OO_ERR_AWX_LAUNCH_UNCONFIRMED',
      details: { underlying: 'OO_ERR_AWX_UNREACHABLE' },
    });
    expect(sim.control.requests({ method: 'POST' })).toHaveLength(1);
    expect(sim.control.launchCount('oo-build-vm')).toBe(1);
  });

  it('awx client - recovers an unconfirmed launch by its oo_task_key marker', async () => {
    const jt = await client.findJobTemplate('oo-build-vm');
    await client.launch(jt, { extraVars: { oo_task_key: 'other' } });
    sim.control.injectFault({
      method: 'POST',
      path: /launch\/$/,
      kind: 'status',
      status: 504,
      when: 'after',
    });
    const error = await failure(client.launch(jt, { extraVars: { oo_task_key: 'task-42' } }));
    expect(error.code).toBe('OO_ERR_AWX_LAUNCH_UNCONFIRMED');
    const found = await client.findJobsByMarker(jt.id, 'task-42');
    expect(found.map((j) => j.id)).toEqual(
      sim.control
        .jobs()
        .filter((j) => j.extraVars.oo_task_key === 'task-42')
        .map((j) => j.id),
    );
    expect(found).toHaveLength(1);
  });

  it('awx client - finds jobs by marker newest first across pages', async () => {
    const jt = await client.findJobTemplate('oo-build-vm');
    const first = await client.launch(jt, { extraVars: { oo_task_key: 'k1' } });
    await client.launch(jt, { extraVars: { oo_task_key: 'k2' } });
    await client.launch(jt, { extraVars: { oo_task_key: 'k3' } });
    const second = await client.launch(jt, { extraVars: { oo_task_key: 'k1' } });
    const found = await client.findJobsByMarker(jt.id, 'k1', { pageSize: 1 });
    expect(found.map((j) => j.id)).toEqual([second.job, first.job]);
    const bounded = await client.findJobsByMarker(jt.id, 'k1', { pageSize: 1, maxPages: 2 });
    expect(bounded.map((j) => j.id)).toEqual([second.job]);
  });
});

describe('awx client - reads and retries', () => {
  it('awx client - retries a GET that answers 503 for a while and succeeds', async () => {
    sim.control.injectFault({
      method: 'GET',
      path: /job_templates\/$/,
      kind: 'status',
      status: 503,
      times: 2,
    });
    const jt = await client.findJobTemplate('oo-build-vm');
    expect(jt.name).toBe('oo-build-vm');
    expect(sim.control.faults()[0]).toMatchObject({ hits: 2, remaining: 0 });
  });

  it('awx client - retries a GET whose connection is reset', async () => {
    sim.control.injectFault({ method: 'GET', path: /job_templates\/$/, kind: 'reset', times: 2 });
    const jt = await client.findJobTemplate('oo-build-vm');
    expect(jt.name).toBe('oo-build-vm');
    expect(sim.control.faults()[0]).toMatchObject({ hits: 2, remaining: 0 });
  });

  it('awx client - retries a GET that answers slower than its timeout', async () => {
    sim.control.injectFault({ method: 'GET', path: /jobs\/\d+\/$/, kind: 'delay', delayMs: 3_000 });
    const jt = await client.findJobTemplate('oo-build-vm');
    const launched = await client.launch(jt, {});
    const impatient = connect({ timeoutMs: 100 });
    const job = await impatient.getJob(launched.job);
    expect(job.id).toBe(launched.job);
    expect(sim.control.faults()[0]).toMatchObject({ hits: 1, remaining: 0 });
    // The answer came from the retry: the slow request is logged only once its delay is over.
    expect(sim.control.requests({ method: 'GET', path: /jobs\/\d+\/$/ }).map((r) => r.fault)).toEqual([null]);
  });

  it('awx client - gives up on a GET after its attempts with a retryable error', async () => {
    sim.control.injectFault({ method: 'GET', path: /jobs\/\d+\/$/, kind: 'status', status: 500, times: 100 });
    const limited = connect({ retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 } });
    const error = await failure(limited.getJob(1));
    expect(error).toMatchObject({
      code: 'OO_ERR_AWX_SERVER_ERROR',
      retryable: true,
      details: { status: 500 },
    });
    expect(sim.control.faults()[0]?.hits).toBe(3);
  });

  it('awx client - maps 401 to a terminal error that does not carry the token', async () => {
    const token = 'secret-token-value';
    const stranger = connect({ token });
    const error = await failure(stranger.findJobTemplate('oo-build-vm'));
    expect(error).toMatchObject({ code: 'OO_ERR_AWX_UNAUTHORIZED', retryable: false });
    expect(JSON.stringify({ message: error.message, data: error.toData() })).not.toContain(token);
    expect(sim.control.requests({ path: /job_templates/ })).toHaveLength(1);
  });

  it('awx client - maps 404 to a terminal OO_ERR_AWX_NOT_FOUND', async () => {
    const error = await failure(client.getJob(999));
    expect(error).toMatchObject({ code: 'OO_ERR_AWX_NOT_FOUND', retryable: false });
  });

  it('awx client - maps an AWX that refuses connections to a retryable OO_ERR_AWX_UNREACHABLE', async () => {
    const gone = await startAwxSimulator();
    await gone.stop();
    const unreachable = createAwxClient({
      baseUrl: gone.url,
      token: 't',
      retry: { maxAttempts: 2, baseDelayMs: 1 },
    });
    clients.push(unreachable);
    const error = await failure(unreachable.getJob(1));
    expect(error).toMatchObject({ code: 'OO_ERR_AWX_UNREACHABLE', retryable: true });
  });

  it('awx client - works under the /api/controller/v2/ prefix', async () => {
    await restart({ prefix: '/api/controller/v2/' });
    const gateway = connect({ apiPath: '/api/controller/v2/' });
    const jt = await gateway.findJobTemplate('oo-build-vm');
    const launched = await gateway.launch(jt, { extraVars: { vm_name: 'gw' } });
    expect((await gateway.waitForJob(launched.job, fast)).status).toBe('successful');
  });
});

describe('awx client - jobs', () => {
  async function finishedJob(): Promise<number> {
    const jt = await client.findJobTemplate('oo-build-vm');
    const launched = await client.launch(jt, { extraVars: { vm_name: 'web01' } });
    await client.waitForJob(launched.job, fast);
    return launched.job;
  }

  it('awx client - reads the stdout of a job', async () => {
    const id = await finishedJob();
    const text = await client.jobStdout(id);
    expect(text).toMatch(/PLAY RECAP/);
    expect(await client.jobStdout(id, { format: 'txt' })).toBe(text);
  });

  it('awx client - follows relative next links through every job event', async () => {
    const id = await finishedJob();
    const events = await collect(client.jobEvents(id, { pageSize: 2 }));
    expect(events.map((e) => e.counter)).toEqual(events.map((_, i) => i + 1));
    expect(events.at(-1)?.event).toBe('playbook_on_stats');
    const pages = sim.control.requests({ method: 'GET', path: /job_events\// });
    expect(pages).toHaveLength(Math.ceil(events.length / 2));
    expect(pages[1]?.path).toMatch(/[?&]page=2/);
  });

  it('awx client - reports a failed job as failed after waiting', async () => {
    sim.control.scriptOutcome('oo-build-vm', 'failed');
    const jt = await client.findJobTemplate('oo-build-vm');
    const launched = await client.launch(jt, {});
    const job = await client.waitForJob(launched.job, fast);
    expect(job).toMatchObject({ status: 'failed', failed: true });
  });

  it('awx client - stops waiting for a job stuck in pending with OO_ERR_TIMEOUT', async () => {
    sim.control.scriptOutcome('oo-build-vm', 'stuck_pending');
    const jt = await client.findJobTemplate('oo-build-vm');
    const launched = await client.launch(jt, {});
    const error = await failure(client.waitForJob(launched.job, { pollIntervalMs: 10, timeoutMs: 100 }));
    expect(error).toMatchObject({ code: 'OO_ERR_TIMEOUT', details: { status: 'pending' } });
  });

  it('awx client - stops waiting with OO_ERR_CANCELLED when its signal aborts', async () => {
    sim.control.scriptOutcome('oo-build-vm', 'stuck_pending');
    const jt = await client.findJobTemplate('oo-build-vm');
    const launched = await client.launch(jt, {});
    const controller = new AbortController();
    const waiting = client.waitForJob(launched.job, {
      pollIntervalMs: 10,
      signal: controller.signal,
      onPoll: () => controller.abort(),
    });
    expect((await failure(waiting)).code).toBe('OO_ERR_CANCELLED');
  });

  it('awx client - cancels a running job and answers false for a finished one', async () => {
    sim.control.scriptOutcome('oo-build-vm', 'slow_running');
    const jt = await client.findJobTemplate('oo-build-vm');
    const launched = await client.launch(jt, {});
    await until(() => sim.control.job(launched.job)?.status === 'running');
    expect(await client.canCancel(launched.job)).toBe(true);
    expect(await client.cancelJob(launched.job)).toBe(true);
    const job = await client.waitForJob(launched.job, fast);
    expect(job.status).toBe('canceled');
    expect(await client.cancelJob(launched.job)).toBe(false);
  });

  it('awx client - relaunches a job with its extra vars', async () => {
    const id = await finishedJob();
    const again = await client.relaunchJob(id);
    expect(again.job).not.toBe(id);
    expect(again.launch_type).toBe('relaunch');
    expect(jobExtraVars(again)).toEqual({ vm_name: 'web01' });
    expect((await client.waitForJob(again.job, fast)).status).toBe('successful');
  });
});

describe('awx client - inventory hosts', () => {
  async function inventoryId(): Promise<number> {
    const jt = await client.findJobTemplate('oo-build-vm');
    return jt.inventory!;
  }

  it('awx client - adds a host with its variables and reports a duplicate as OO_ERR_AWX_HOST_EXISTS', async () => {
    const inv = await inventoryId();
    const host = await client.addInventoryHost(inv, {
      name: 'web01',
      variables: { ansible_host: '10.0.0.5' },
    });
    expect(host).toMatchObject({ name: 'web01', inventory: inv });
    expect(JSON.parse(host.variables)).toEqual({ ansible_host: '10.0.0.5' });
    const error = await failure(client.addInventoryHost(inv, { name: 'web01' }));
    expect(error).toMatchObject({ code: 'OO_ERR_AWX_HOST_EXISTS', retryable: false });
    expect(sim.control.hosts('oo-inventory').filter((h) => h === 'web01')).toHaveLength(1);
  });

  it('awx client - ensureInventoryHost updates the host it finds instead of adding one', async () => {
    const inv = await inventoryId();
    const first = await client.ensureInventoryHost(inv, { name: 'web02', variables: { a: 1 } });
    const second = await client.ensureInventoryHost(inv, { name: 'web02', variables: { a: 2 } });
    expect([first.created, second.created]).toEqual([true, false]);
    expect(second.host.id).toBe(first.host.id);
    expect(JSON.parse(second.host.variables)).toEqual({ a: 2 });
  });
});
