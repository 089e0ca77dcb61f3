import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AwxSimulator, type AwxSimulatorOptions, startAwxSimulator } from '../src/index.js';
import { type Answer, answerOf } from './answer.js';

const STEP_MS = 20;

let sim: AwxSimulator;

async function start(options: AwxSimulatorOptions = {}): Promise<AwxSimulator> {
  await sim?.stop();
  sim = await startAwxSimulator({ stepDelayMs: STEP_MS, ...options });
  return sim;
}

beforeEach(async () => {
  sim = await startAwxSimulator({ stepDelayMs: STEP_MS });
});

afterEach(async () => {
  await sim.stop();
});

/** One real HTTP call to the simulator's API; `path` is below the prefix unless it starts with `/`. */
async function call(
  path: string,
  init: { method?: string; body?: unknown; auth?: string | null; contentType?: string; raw?: string } = {},
): Promise<Answer> {
  const url = path.startsWith('/') ? `${sim.url}${path}` : `${sim.url}${sim.prefix}${path}`;
  const headers: Record<string, string> = {};
  if (init.auth !== null) headers.authorization = init.auth ?? `Bearer ${sim.token}`;
  const payload = init.raw ?? (init.body === undefined ? undefined : JSON.stringify(init.body));
  if (payload !== undefined) headers['content-type'] = init.contentType ?? 'application/json';
  const res = await fetch(url, {
    method: init.method ?? (payload === undefined ? 'GET' : 'POST'),
    headers,
    redirect: 'manual',
    ...(payload === undefined ? {} : { body: payload }),
  });
  return answerOf(res);
}

async function templateId(name: string): Promise<number> {
  const res = await call(`job_templates/?name=${encodeURIComponent(name)}`);
  return res.body.results[0].id;
}

/** Polls the in-process control handle (no API traffic) until `check` holds. */
async function until(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('awx simulator - HTTP conventions', () => {
  it('awx simulator - answers 401 with the AWX body and WWW-Authenticate when no credentials are sent', async () => {
    const res = await call('job_templates/', { auth: null });
    expect(res.status).toBe(401);
    expect(res.body).toEqual({
      detail:
        'Authentication credentials were not provided. To establish a login session, visit /api/login/.',
    });
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm=api authorization_url=/api/o/authorize/');
  });

  it('awx simulator - treats an unknown bearer token like no credentials', async () => {
    const res = await call('job_templates/', { auth: 'Bearer nope' });
    expect(res.status).toBe(401);
    expect(res.body.detail).toMatch(/^Authentication credentials were not provided\./);
  });

  it('awx simulator - accepts basic auth for a configured user and answers me/', async () => {
    const basic = `Basic ${Buffer.from('admin:password').toString('base64')}`;
    const res = await call('me/', { auth: basic });
    expect(res.status).toBe(200);
    expect(res.body.results[0].username).toBe('admin');
  });

  it('awx simulator - rejects a wrong basic password with the invalid username/password detail', async () => {
    const basic = `Basic ${Buffer.from('admin:wrong').toString('base64')}`;
    const res = await call('me/', { auth: basic });
    expect(res.status).toBe(401);
    expect(res.body.detail).toMatch(/^Invalid username\/password\./);
  });

  it('awx simulator - serves ping without authentication and names the product on every answer', async () => {
    const ping = await call('ping/', { auth: null });
    expect(ping.status).toBe(200);
    expect(ping.headers.get('x-api-product-name')).toBe('AWX');
    expect(ping.headers.get('x-api-product-version')).toBeNull();
    const authed = await call('job_templates/');
    expect(authed.headers.get('x-api-product-version')).toMatch(/^\d+\.\d+/);
  });

  it('awx simulator - redirects a path without its trailing slash with 301, a POST included', async () => {
    const jt = await templateId('oo-build-vm');
    const res = await call(`job_templates/${jt}/launch?x=1`, { body: {} });
    expect(res.status).toBe(301);
    expect(res.headers.get('location')).toBe(`${sim.prefix}job_templates/${jt}/launch/?x=1`);
    expect(sim.control.launchCount('oo-build-vm')).toBe(0);
  });

  it('awx simulator - answers 415 to a POST body that is not JSON', async () => {
    const jt = await templateId('oo-build-vm');
    const res = await call(`job_templates/${jt}/launch/`, {
      raw: 'a=1',
      contentType: 'application/x-www-form-urlencoded',
    });
    expect(res.status).toBe(415);
    expect(res.body.detail).toMatch(/Content-Type must be application\/json/);
  });

  it('awx simulator - answers 404 Not found for an unknown id', async () => {
    const res = await call('jobs/999/');
    expect(res).toMatchObject({ status: 404, body: { detail: 'Not found.' } });
  });

  it('awx simulator - answers 403 to a write with a read-only token', async () => {
    await start({ tokens: ['rw', { token: 'ro', readOnly: true }] });
    const jt = await templateId('oo-build-vm');
    const res = await call(`job_templates/${jt}/launch/`, { body: {}, auth: 'Bearer ro' });
    expect(res).toMatchObject({
      status: 403,
      body: { detail: 'You do not have permission to perform this action.' },
    });
  });

  it('awx simulator - serves the API under /api/controller/v2/ when configured', async () => {
    await start({ prefix: '/api/controller/v2/' });
    const res = await call('/api/controller/v2/job_templates/?name=oo-build-vm');
    expect(res.status).toBe(200);
    expect(res.body.results[0].url).toMatch(/^\/api\/controller\/v2\/job_templates\/\d+\/$/);
    expect((await call('/api/v2/job_templates/')).status).toBe(404);
  });
});

describe('awx simulator - lists', () => {
  it('awx simulator - paginates with relative next and previous links', async () => {
    // Beside the 3 seeded templates: 7 in all, pages of 3, 3 and 1.
    for (let i = 0; i < 4; i++) sim.control.addJobTemplate({ name: `jt-${i}` });
    const first = await call('job_templates/?page_size=3');
    expect(first.body.count).toBe(7);
    expect(first.body.next).toBe(`${sim.prefix}job_templates/?page=2&page_size=3`);
    expect(first.body.previous).toBeNull();
    const second = await call(first.body.next);
    expect(second.body.results).toHaveLength(3);
    expect(second.body.previous).toBe(`${sim.prefix}job_templates/?page_size=3`);
    const third = await call(second.body.next);
    expect(third.body.results).toHaveLength(1);
    expect(third.body.next).toBeNull();
  });

  it('awx simulator - answers 404 Invalid page past the last page', async () => {
    const res = await call('job_templates/?page=9');
    expect(res).toMatchObject({ status: 404, body: { detail: 'Invalid page.' } });
  });

  it('awx simulator - filters by exact name and by organization', async () => {
    sim.control.addJobTemplate({ name: 'oo-build-vm', organization: 'Other' });
    const both = await call('job_templates/?name=oo-build-vm');
    expect(both.body.count).toBe(2);
    const one = await call('job_templates/?name=oo-build-vm&organization__name=Other');
    expect(one.body.count).toBe(1);
    const none = await call('job_templates/?name=oo-build');
    expect(none.body).toMatchObject({ count: 0, results: [] });
  });
});

describe('awx simulator - launch', () => {
  it('awx simulator - launches with 201, Location and the accepted extra_vars as a JSON string', async () => {
    const jt = await templateId('oo-build-vm');
    const res = await call(`job_templates/${jt}/launch/`, {
      body: { extra_vars: { vm_name: 'web01' }, limit: 'localhost' },
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBe(`${sim.url}${sim.prefix}jobs/${res.body.job}/`);
    expect(res.body).toMatchObject({
      job: res.body.id,
      ignored_fields: {},
      status: 'pending',
      extra_vars: '{"vm_name": "web01"}',
      limit: 'localhost',
      launch_type: 'manual',
    });
  });

  it('awx simulator - reports unprompted fields in ignored_fields and still launches without them', async () => {
    const jt = await templateId('oo-decommission-vm');
    const res = await call(`job_templates/${jt}/launch/`, {
      body: { extra_vars: { vm_name: 'web01' }, limit: 'web01' },
    });
    expect(res.status).toBe(201);
    expect(res.body.ignored_fields).toEqual({ extra_vars: { vm_name: 'web01' }, limit: 'web01' });
    expect(res.body.extra_vars).toBe('{}');
    expect(sim.control.job(res.body.job)?.extraVars).toEqual({});
  });

  it('awx simulator - drops a value equal to the template value without reporting it', async () => {
    sim.control.updateJobTemplate('oo-decommission-vm', { extra_vars: { region: 'eu' } });
    const jt = await templateId('oo-decommission-vm');
    const res = await call(`job_templates/${jt}/launch/`, {
      body: { extra_vars: { region: 'eu' }, limit: '' },
    });
    expect(res.body.ignored_fields).toEqual({});
    expect(res.body.extra_vars).toBe('{"region": "eu"}');
  });

  it('awx simulator - accepts survey answers even when variables are not prompted', async () => {
    const id = sim.control.addJobTemplate({
      name: 'surveyed',
      survey: [{ variable: 'vm_name', type: 'text', required: true, min: 2 }],
    });
    const res = await call(`job_templates/${id}/launch/`, {
      body: { extra_vars: { vm_name: 'web01', other: 1 } },
    });
    expect(res.status).toBe(201);
    expect(res.body.extra_vars).toBe('{"vm_name": "web01"}');
    expect(res.body.ignored_fields).toEqual({ extra_vars: { other: 1 } });
  });

  it('awx simulator - refuses a launch missing a required survey answer with variables_needed_to_start', async () => {
    const id = sim.control.addJobTemplate({
      name: 'surveyed',
      survey: [{ variable: 'vm_name', type: 'text', required: true }],
    });
    const res = await call(`job_templates/${id}/launch/`, { body: {} });
    expect(res).toMatchObject({
      status: 400,
      body: { variables_needed_to_start: ["'vm_name' value missing"] },
    });
    expect(sim.control.launchCount('surveyed')).toBe(0);
  });

  it('awx simulator - refuses a launch without inventory with resources_needed_to_start', async () => {
    const id = sim.control.addJobTemplate({ name: 'no-inventory', inventory: null });
    const res = await call(`job_templates/${id}/launch/`, { body: {} });
    expect(res).toMatchObject({
      status: 400,
      body: { resources_needed_to_start: ['Job Template inventory is missing or undefined.'] },
    });
  });

  it('awx simulator - refuses an inventory id that does not exist', async () => {
    const jt = await templateId('oo-build-vm');
    const res = await call(`job_templates/${jt}/launch/`, { body: { inventory: 999 } });
    expect(res).toMatchObject({
      status: 400,
      body: { inventory: ['Invalid pk "999" - object does not exist.'] },
    });
  });

  it('awx simulator - refuses a launch whose credential needs a password not supplied', async () => {
    await start({
      seed: {
        inventories: [{ name: 'oo-inventory' }],
        credentials: [{ name: 'ssh', passwords_needed: ['ssh_password'] }],
        jobTemplates: [{ name: 'needs-password', credentials: ['ssh'] }],
      },
    });
    const jt = await templateId('needs-password');
    const res = await call(`job_templates/${jt}/launch/`, { body: {} });
    expect(res).toMatchObject({ status: 400, body: { passwords_needed_to_start: ['ssh_password'] } });
  });

  it('awx simulator - answers 403 to a launch of a forbidden template', async () => {
    const id = sim.control.addJobTemplate({ name: 'secret', forbidden: true });
    const res = await call(`job_templates/${id}/launch/`, { body: {} });
    expect(res.status).toBe(403);
  });
});

describe('awx simulator - job lifecycle', () => {
  async function launch(name: string, body: unknown = {}): Promise<number> {
    const res = await call(`job_templates/${await templateId(name)}/launch/`, { body });
    expect(res.status).toBe(201);
    return res.body.job;
  }

  it('awx simulator - moves a job to successful by the clock, then finishes event processing', async () => {
    const job = await launch('oo-build-vm');
    await until(() => sim.control.job(job)?.eventProcessingFinished === true);
    expect(sim.control.job(job)?.history).toEqual(['new', 'pending', 'waiting', 'running', 'successful']);
    const detail = await call(`jobs/${job}/`);
    expect(detail.body).toMatchObject({
      status: 'successful',
      failed: false,
      event_processing_finished: true,
    });
    expect(detail.body.started).not.toBeNull();
    expect(detail.body.finished).not.toBeNull();
    expect(detail.body.elapsed).toBeGreaterThan(0);
  });

  it('awx simulator - ends a job scripted to fail as failed with a failure count', async () => {
    sim.control.scriptOutcome('oo-build-vm', 'failed', { times: 1 });
    const job = await launch('oo-build-vm');
    await until(() => sim.control.job(job)?.eventProcessingFinished === true);
    const detail = await call(`jobs/${job}/`);
    expect(detail.body).toMatchObject({
      status: 'failed',
      failed: true,
      host_status_counts: { failures: 1 },
    });
    expect(sim.control.jobs().at(-1)?.outcome).toBe('failed');
  });

  it('awx simulator - ends a job whose launch asks for error as error with an explanation', async () => {
    const job = await launch('oo-build-vm', { extra_vars: { oo_sim_outcome: 'error' } });
    await until(() => sim.control.job(job)?.status === 'error');
    const detail = await call(`jobs/${job}/`);
    expect(detail.body.job_explanation).not.toBe('');
    expect(detail.body.result_traceback).toMatch(/Traceback/);
  });

  it('awx simulator - keeps a job scripted stuck_pending in pending', async () => {
    sim.control.scriptOutcome('oo-build-vm', 'stuck_pending');
    const job = await launch('oo-build-vm');
    const other = await launch('oo-decommission-vm');
    await until(() => sim.control.job(other)?.status === 'successful');
    expect(sim.control.job(job)?.status).toBe('pending');
  });

  it('awx simulator - cancels a pending job at once and answers 405 once it is final', async () => {
    sim.control.scriptOutcome('oo-build-vm', 'stuck_pending');
    const job = await launch('oo-build-vm');
    expect((await call(`jobs/${job}/cancel/`)).body).toEqual({ can_cancel: true });
    const res = await call(`jobs/${job}/cancel/`, { method: 'POST' });
    expect(res.status).toBe(202);
    expect(res.body).toBeUndefined();
    expect(sim.control.job(job)?.status).toBe('canceled');
    const again = await call(`jobs/${job}/cancel/`, { method: 'POST' });
    expect(again).toMatchObject({ status: 405, body: { detail: 'Method "POST" not allowed.' } });
  });

  it('awx simulator - cancels a running job one step later', async () => {
    sim.control.scriptOutcome('oo-build-vm', 'slow_running');
    const job = await launch('oo-build-vm');
    await until(() => sim.control.job(job)?.status === 'running');
    expect((await call(`jobs/${job}/cancel/`, { method: 'POST' })).status).toBe(202);
    expect((await call(`jobs/${job}/`)).body.canceled_on).not.toBeNull();
    await until(() => sim.control.job(job)?.status === 'canceled');
    expect((await call(`jobs/${job}/`)).body.failed).toBe(true);
  });

  it('awx simulator - relaunches a job with its extra vars as launch_type relaunch', async () => {
    const job = await launch('oo-build-vm', { extra_vars: { vm_name: 'web01' } });
    const res = await call(`jobs/${job}/relaunch/`, { body: {} });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ launch_type: 'relaunch', extra_vars: '{"vm_name": "web01"}' });
    expect(res.body.job).not.toBe(job);
    expect(sim.control.launchCount('oo-build-vm')).toBe(1);
  });

  it('awx simulator - refuses a relaunch on failed hosts while the job is active', async () => {
    sim.control.scriptOutcome('oo-build-vm', 'stuck_pending');
    const job = await launch('oo-build-vm');
    const res = await call(`jobs/${job}/relaunch/`, { body: { hosts: 'failed' } });
    expect(res.status).toBe(400);
    expect(res.body.hosts).toHaveLength(1);
  });

  it('awx simulator - serves stdout as text, as json, and the oversize sentence above the cap', async () => {
    await start({ stdoutMaxBytes: 100 });
    const job = await launch('oo-build-vm');
    await until(() => sim.control.job(job)?.eventProcessingFinished === true);
    const download = await call(`jobs/${job}/stdout/?format=txt_download`);
    expect(download.body).toMatch(/PLAY RECAP/);
    expect(download.headers.get('content-disposition')).toBe(`attachment; filename="job_${job}.txt"`);
    const txt = await call(`jobs/${job}/stdout/?format=txt`);
    expect(txt.body).toMatch(/^Standard Output too large to display \(\d+ bytes\), only download supported/);
    const json = await call(`jobs/${job}/stdout/?format=json`);
    expect(json.body.range).toMatchObject({ start: 0 });
  });

  it('awx simulator - lists job events in counter order, paginated or with limit', async () => {
    const job = await launch('oo-build-vm');
    await until(() => sim.control.job(job)?.eventProcessingFinished === true);
    const all = await call(`jobs/${job}/job_events/`);
    const names = all.body.results.map((e: { event: string }) => e.event);
    expect(names[0]).toBe('playbook_on_start');
    expect(names).toContain('runner_on_ok');
    expect(names.at(-1)).toBe('playbook_on_stats');
    const limited = await call(`jobs/${job}/job_events/?limit=2`);
    expect(Object.keys(limited.body)).toEqual(['results']);
    expect(limited.body.results).toHaveLength(2);
  });
});

describe('awx simulator - inventory hosts', () => {
  async function inventoryId(): Promise<number> {
    return (await call('inventories/?name=oo-inventory')).body.results[0].id;
  }

  it('awx simulator - adds a host with 201 and refuses a duplicate name with __all__', async () => {
    const inv = await inventoryId();
    const created = await call(`inventories/${inv}/hosts/`, {
      body: { name: 'web01', variables: '{"ansible_host": "10.0.0.5"}' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      type: 'host',
      name: 'web01',
      inventory: inv,
      variables: '{"ansible_host": "10.0.0.5"}',
    });
    expect(created.headers.get('location')).toMatch(/\/hosts\/\d+\/$/);
    const duplicate = await call(`inventories/${inv}/hosts/`, { body: { name: 'web01' } });
    expect(duplicate).toMatchObject({
      status: 400,
      body: { __all__: ['Host with this Name and Inventory already exists.'] },
    });
  });

  it('awx simulator - moves the port of name:port into ansible_ssh_port', async () => {
    const inv = await inventoryId();
    const created = await call(`inventories/${inv}/hosts/`, { body: { name: 'web02:2222' } });
    expect(created.body.name).toBe('web02');
    expect(JSON.parse(created.body.variables)).toEqual({ ansible_ssh_port: 2222 });
  });

  it('awx simulator - refuses host variables given as an object', async () => {
    const inv = await inventoryId();
    const res = await call(`inventories/${inv}/hosts/`, { body: { name: 'web03', variables: { a: 1 } } });
    expect(res).toMatchObject({ status: 400, body: { variables: ['Not a valid string.'] } });
  });

  it('awx simulator - finds a host by name and inventory and patches it', async () => {
    const inv = await inventoryId();
    await call(`inventories/${inv}/hosts/`, { body: { name: 'web04' } });
    const found = await call(`hosts/?name=web04&inventory=${inv}`);
    expect(found.body.count).toBe(1);
    const patched = await call(`hosts/${found.body.results[0].id}/`, {
      method: 'PATCH',
      body: { enabled: false },
    });
    expect(patched).toMatchObject({ status: 200, body: { name: 'web04', enabled: false } });
  });
});

describe('awx simulator - control and faults', () => {
  it('awx simulator - reports launches per template and jobs with their extra vars on /_sim/', async () => {
    const jt = await templateId('oo-build-vm');
    await call(`job_templates/${jt}/launch/`, { body: { extra_vars: { oo_task_key: 'k1' } } });
    await call(`job_templates/${jt}/launch/`, { body: { extra_vars: { oo_task_key: 'k2' } } });
    const counts = await call('/_sim/launches', { auth: null });
    expect(counts.body.counts).toEqual({ 'oo-build-vm': 2, 'oo-decommission-vm': 0, 'oo-dns-record': 0 });
    const jobs = await call('/_sim/jobs?job_template=oo-build-vm', { auth: null });
    expect(jobs.body.jobs.map((j: { extraVars: unknown }) => j.extraVars)).toEqual([
      { oo_task_key: 'k1' },
      { oo_task_key: 'k2' },
    ]);
  });

  it('awx simulator - fails only the next N matching requests with an injected 503', async () => {
    sim.control.injectFault({
      method: 'GET',
      path: /job_templates\/$/,
      kind: 'status',
      status: 503,
      times: 2,
    });
    expect((await call('job_templates/')).status).toBe(503);
    expect((await call('jobs/')).status).toBe(200);
    expect((await call('job_templates/')).status).toBe(503);
    expect((await call('job_templates/')).status).toBe(200);
    expect(sim.control.faults()[0]).toMatchObject({ remaining: 0, hits: 2 });
  });

  it('awx simulator - drops the connection of a request caught by a reset fault', async () => {
    sim.control.injectFault({ path: 'jobs/$', kind: 'reset' });
    await expect(call('jobs/')).rejects.toThrow();
    expect((await call('jobs/')).status).toBe(200);
  });

  it('awx simulator - creates the job but loses the answer with a fault after processing', async () => {
    sim.control.injectFault({
      method: 'POST',
      path: /launch\/$/,
      kind: 'status',
      status: 502,
      when: 'after',
    });
    const jt = await templateId('oo-build-vm');
    const res = await call(`job_templates/${jt}/launch/`, { body: {} });
    expect(res.status).toBe(502);
    expect(sim.control.launchCount('oo-build-vm')).toBe(1);
  });

  it('awx simulator - adds faults and scripts outcomes over the control endpoint', async () => {
    const added = await call('/_sim/faults', {
      auth: null,
      body: { path: 'ping/$', kind: 'status', status: 500 },
    });
    expect(added.status).toBe(201);
    expect((await call('ping/', { auth: null })).status).toBe(500);
    const scripted = await call('/_sim/outcomes', {
      auth: null,
      body: { jobTemplate: 'oo-build-vm', outcome: 'failed' },
    });
    expect(scripted.status).toBe(200);
    const patched = await call('/_sim/job_templates/oo-build-vm', {
      auth: null,
      method: 'PATCH',
      body: { ask_variables_on_launch: false },
    });
    expect(patched.status).toBe(200);
    expect(
      (await call(`job_templates/${await templateId('oo-build-vm')}/`)).body.ask_variables_on_launch,
    ).toBe(false);
  });
});
