import { afterEach, describe, expect, it } from 'vitest';
import { startTfeSimulator, type TfeSimulator, type TfeSimulatorOptions } from '../src/index.js';
import {
  apiOf,
  call,
  createConfigurationVersion,
  createRun,
  createWorkspace,
  type Doc,
  type ErrorDoc,
  eventually,
  type ListDoc,
  MODULE,
  readyWorkspace,
  runStatus,
  tarball,
  upload,
} from './tfe-helpers.js';

const running: TfeSimulator[] = [];

/** Manual clock (`tick()` only) unless the test asks for a real one. */
async function start(options: TfeSimulatorOptions = {}): Promise<TfeSimulator> {
  const sim = await startTfeSimulator({ stepDelayMs: 0, ...options });
  running.push(sim);
  return sim;
}

afterEach(async () => {
  await Promise.all(running.splice(0).map((sim) => sim.stop()));
});

/** Ticks until the run is final or `max` ticks passed; returns the statuses and flags seen. */
async function tickThrough(sim: TfeSimulator, runId: string, max = 30) {
  const api = apiOf(sim);
  const seen: { status: unknown; confirmable: unknown }[] = [];
  for (let i = 0; i < max; i++) {
    const run = await runStatus(api, runId);
    const actions = run.attributes.actions as Record<string, boolean>;
    seen.push({ status: run.attributes.status, confirmable: actions['is-confirmable'] });
    if (
      ['applied', 'planned_and_finished', 'errored', 'discarded', 'canceled'].includes(
        String(run.attributes.status),
      )
    )
      break;
    sim.control.tick();
  }
  return seen;
}

describe('tfe simulator - HTTP, auth and JSON:API', () => {
  it('answers ping with 204 and API headers without a token', async () => {
    const sim = await start();
    const res = await call(`${sim.url}/api/v2/ping`);
    expect(res.status).toBe(204);
    expect(res.headers.get('tfp-api-version')).toMatch(/^2\./);
    expect(res.headers.get('x-ratelimit-limit')).toBe('30');
  });

  it('answers 401 with a JSON:API error body when the token is missing or unknown', async () => {
    const sim = await start();
    for (const token of [null, 'not-a-token']) {
      const res = await apiOf(sim, token).get('/organizations/oo/workspaces/anything');
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toBe('application/vnd.api+json');
      expect(res.json<ErrorDoc>()).toEqual({ errors: [{ status: '401', title: 'unauthorized' }] });
    }
  });

  it('answers 404, never 403, to a valid token without access to the organization', async () => {
    const sim = await start({ tokens: ['owner', { token: 'outsider', organizations: [] }] });
    const ws = await createWorkspace(apiOf(sim), 'web01');
    const outsider = apiOf(sim, 'outsider');
    for (const path of [
      '/organizations/oo/workspaces/web01',
      `/workspaces/${ws.id}`,
      `/workspaces/${ws.id}/vars`,
    ]) {
      const res = await outsider.get(path);
      expect(res.status).toBe(404);
      expect(res.json<ErrorDoc>().errors[0]).toEqual({ status: '404', title: 'not found' });
    }
  });

  it('answers 404 to an organization token creating a configuration version', async () => {
    const sim = await start({ tokens: ['owner', { token: 'org-token', kind: 'organization' }] });
    const ws = await createWorkspace(apiOf(sim), 'web01');
    const res = await apiOf(sim, 'org-token').post(`/workspaces/${ws.id}/configuration-versions`, {
      data: { type: 'configuration-versions', attributes: {} },
    });
    expect(res.status).toBe(404);
  });

  it('creates a workspace (201) with kebab-case attributes and links.self, shown by name and by id', async () => {
    const sim = await start();
    const api = apiOf(sim);
    const created = await api.post('/organizations/oo/workspaces', {
      data: { type: 'workspaces', attributes: { name: 'vm-web01', 'auto-apply': true } },
    });
    expect(created.status).toBe(201);
    const ws = created.json<Doc>().data;
    expect(ws).toMatchObject({
      type: 'workspaces',
      attributes: { name: 'vm-web01', 'auto-apply': true, locked: false, 'execution-mode': 'remote' },
      links: { self: '/api/v2/organizations/oo/workspaces/vm-web01' },
    });
    expect(ws.id).toMatch(/^ws-[A-Za-z0-9]{16}$/);
    expect((await api.get('/organizations/oo/workspaces/vm-web01')).json<Doc>().data.id).toBe(ws.id);
    expect((await api.get(`/workspaces/${ws.id}`)).json<Doc>().data.attributes.name).toBe('vm-web01');
  });

  it('answers 422 "has already been taken" with a source pointer for a duplicate workspace name', async () => {
    const sim = await start();
    const api = apiOf(sim);
    await createWorkspace(api, 'web01');
    const res = await api.post('/organizations/oo/workspaces', {
      data: { type: 'workspaces', attributes: { name: 'web01' } },
    });
    expect(res.status).toBe(422);
    expect(res.json<ErrorDoc>().errors[0]).toEqual({
      status: '422',
      title: 'invalid attribute',
      detail: 'Name has already been taken',
      source: { pointer: '/data/attributes/name' },
    });
  });

  it('answers 422 for a workspace name outside letters, digits, dash and underscore', async () => {
    const sim = await start();
    const res = await apiOf(sim).post('/organizations/oo/workspaces', {
      data: { type: 'workspaces', attributes: { name: 'web 01!' } },
    });
    expect(res.status).toBe(422);
    expect(res.json<ErrorDoc>().errors[0]?.source?.pointer).toBe('/data/attributes/name');
  });

  it('answers 422 for a body without data.type', async () => {
    const sim = await start();
    const res = await apiOf(sim).post('/organizations/oo/workspaces', {
      data: { attributes: { name: 'x' } },
    });
    expect(res.status).toBe(422);
    expect(res.json<ErrorDoc>().errors[0]?.source?.pointer).toBe('/data/type');
  });

  it('paginates lists with page[number]/page[size], absolute links and meta.pagination', async () => {
    const sim = await start();
    const api = apiOf(sim);
    for (let i = 0; i < 5; i++) await createWorkspace(api, `ws-${i}`);
    const res = await api.get('/organizations/oo/workspaces?page%5Bnumber%5D=2&page%5Bsize%5D=2');
    const page = res.json<ListDoc>();
    expect(page.data.map((ws) => ws.attributes.name)).toEqual(['ws-2', 'ws-3']);
    expect(page.meta.pagination).toEqual({
      'current-page': 2,
      'prev-page': 1,
      'next-page': 3,
      'total-pages': 3,
      'total-count': 5,
      'page-size': 2,
    });
    const next = new URL(page.links.next!);
    expect(next.origin).toBe(sim.url);
    expect(next.searchParams.get('page[number]')).toBe('3');
    expect(page.links.prev).toContain('page%5Bnumber%5D=1');
    expect(page.links.last).toContain('page%5Bnumber%5D=3');
  });

  it('adds related resources to included[] for ?include= and answers 400 for an unknown relationship', async () => {
    const sim = await start();
    const api = apiOf(sim);
    const ws = await readyWorkspace(sim, 'web01');
    const run = (await createRun(api, ws.id)).json<Doc>().data;
    const doc = (await api.get(`/runs/${run.id}?include=plan,apply,workspace`)).json<Doc>();
    expect(doc.included?.map((r) => r.type).sort()).toEqual(['applies', 'plans', 'workspaces']);
    expect(doc.data.relationships?.plan?.data?.id).toBe(doc.included?.find((r) => r.type === 'plans')?.id);
    expect((await api.get(`/runs/${run.id}?include=nonsense`)).status).toBe(400);
  });
});

describe('tfe simulator - variables', () => {
  it('answers 422 for a variable without category', async () => {
    const sim = await start();
    const api = apiOf(sim);
    const ws = await createWorkspace(api, 'web01');
    const res = await api.post(`/workspaces/${ws.id}/vars`, {
      data: { type: 'vars', attributes: { key: 'a' } },
    });
    expect(res.status).toBe(422);
    expect(res.json<ErrorDoc>().errors[0]?.source?.pointer).toBe('/data/attributes/category');
  });

  it('reads a sensitive variable back with value null', async () => {
    const sim = await start();
    const api = apiOf(sim);
    const ws = await createWorkspace(api, 'web01');
    const created = await api.post(`/workspaces/${ws.id}/vars`, {
      data: {
        type: 'vars',
        attributes: { key: 'VSPHERE_PASSWORD', value: 's3cret', category: 'env', sensitive: true },
      },
    });
    expect(created.status).toBe(201);
    expect(created.text).not.toContain('s3cret');
    const listed = (await api.get(`/workspaces/${ws.id}/vars`)).json<ListDoc>().data[0];
    expect(listed?.attributes).toMatchObject({ key: 'VSPHERE_PASSWORD', value: null, sensitive: true });
  });

  it('answers 422 for a duplicate key in the same category but accepts it in the other', async () => {
    const sim = await start();
    const api = apiOf(sim);
    const ws = await createWorkspace(api, 'web01');
    const create = (category: string) =>
      api.post(`/workspaces/${ws.id}/vars`, {
        data: { type: 'vars', attributes: { key: 'x', value: '1', category } },
      });
    expect((await create('terraform')).status).toBe(201);
    expect((await create('terraform')).status).toBe(422);
    expect((await create('env')).status).toBe(201);
  });

  it('patches and deletes a variable', async () => {
    const sim = await start();
    const api = apiOf(sim);
    const ws = await createWorkspace(api, 'web01');
    const created = (
      await api.post(`/workspaces/${ws.id}/vars`, {
        data: { type: 'vars', attributes: { key: 'cpu', value: '2', category: 'terraform' } },
      })
    ).json<Doc>().data;
    const patched = await api.patch(`/workspaces/${ws.id}/vars/${created.id}`, {
      data: { type: 'vars', id: created.id, attributes: { value: '4', hcl: true } },
    });
    expect(patched.json<Doc>().data.attributes).toMatchObject({ key: 'cpu', value: '4', hcl: true });
    expect((await api.delete(`/workspaces/${ws.id}/vars/${created.id}`)).status).toBe(204);
    expect((await api.get(`/workspaces/${ws.id}/vars`)).json<ListDoc>().data).toEqual([]);
  });
});

describe('tfe simulator - configuration versions', () => {
  it('shows the upload-url only in the create answer', async () => {
    const sim = await start();
    const api = apiOf(sim);
    const ws = await createWorkspace(api, 'web01');
    const cv = await createConfigurationVersion(api, ws.id, false);
    expect(cv.resource.attributes).toMatchObject({ status: 'pending', 'auto-queue-runs': false });
    expect(cv.uploadUrl.startsWith(sim.url)).toBe(true);
    const shown = (await api.get(`/configuration-versions/${cv.id}`)).json<Doc>().data;
    expect(shown.attributes).not.toHaveProperty('upload-url');
  });

  it('accepts the upload without auth and turns the version uploaded on the next tick, listing its files', async () => {
    const sim = await start();
    const api = apiOf(sim);
    const ws = await createWorkspace(api, 'web01');
    const cv = await createConfigurationVersion(api, ws.id, false);
    expect((await upload(cv.uploadUrl, await tarball(MODULE))).status).toBe(200);
    expect((await api.get(`/configuration-versions/${cv.id}`)).json<Doc>().data.attributes.status).toBe(
      'pending',
    );
    sim.control.tick();
    expect((await api.get(`/configuration-versions/${cv.id}`)).json<Doc>().data.attributes.status).toBe(
      'uploaded',
    );
    const report = sim.control.workspace('web01');
    expect(report?.uploads[0]?.files.map((f) => f.path).sort()).toEqual(['main.tf', 'variables.tf']);
    expect(report?.uploads[0]?.contents['main.tf']).toBe(MODULE['main.tf']);
  });

  it('errors the configuration version when no .tf file is at the archive root', async () => {
    const sim = await start();
    const api = apiOf(sim);
    const ws = await createWorkspace(api, 'web01');
    const cv = await createConfigurationVersion(api, ws.id, true);
    await upload(cv.uploadUrl, await tarball({ 'README.md': '# nothing here' }));
    sim.control.tick(3);
    const shown = (await api.get(`/configuration-versions/${cv.id}`)).json<Doc>().data.attributes;
    expect(shown.status).toBe('errored');
    expect(shown['error-message']).toMatch(/\.tf/);
    expect(sim.control.workspace('web01')?.runCount).toBe(0);
  });

  it('errors the configuration version when the upload is not gzip', async () => {
    const sim = await start();
    const api = apiOf(sim);
    const ws = await createWorkspace(api, 'web01');
    const cv = await createConfigurationVersion(api, ws.id, false);
    await upload(cv.uploadUrl, Buffer.from('resource "x" "y" {}'));
    sim.control.tick();
    const shown = (await api.get(`/configuration-versions/${cv.id}`)).json<Doc>().data.attributes;
    expect(shown).toMatchObject({ status: 'errored', 'error-message': expect.stringMatching(/gzip/) });
  });

  it('refuses a second upload to the same URL', async () => {
    const sim = await start();
    const api = apiOf(sim);
    const ws = await createWorkspace(api, 'web01');
    const cv = await createConfigurationVersion(api, ws.id, false);
    const bytes = await tarball(MODULE);
    expect((await upload(cv.uploadUrl, bytes)).status).toBe(200);
    expect((await upload(cv.uploadUrl, bytes)).status).toBe(404);
  });

  it('refuses an upload that carries an Authorization header', async () => {
    const sim = await start();
    const api = apiOf(sim);
    const ws = await createWorkspace(api, 'web01');
    const cv = await createConfigurationVersion(api, ws.id, false);
    const res = await call(cv.uploadUrl, { method: 'PUT', token: sim.token, raw: await tarball(MODULE) });
    expect(res.status).toBe(400);
  });

  it('queues a run by itself after the upload when auto-queue-runs is true', async () => {
    const sim = await start();
    const api = apiOf(sim);
    const ws = await createWorkspace(api, 'web01');
    const cv = await createConfigurationVersion(api, ws.id, true);
    await upload(cv.uploadUrl, await tarball(MODULE));
    sim.control.tick();
    const runs = (await api.get(`/workspaces/${ws.id}/runs`)).json<ListDoc>().data;
    expect(runs).toHaveLength(1);
    expect(runs[0]?.attributes.source).toBe('tfe-configuration-version');
  });

  it('queues no run after the upload when auto-queue-runs is false', async () => {
    const sim = await start();
    const api = apiOf(sim);
    const ws = await createWorkspace(api, 'web01');
    const cv = await createConfigurationVersion(api, ws.id, false);
    await upload(cv.uploadUrl, await tarball(MODULE));
    sim.control.tick(3);
    expect((await api.get(`/workspaces/${ws.id}/runs`)).json<ListDoc>().data).toHaveLength(0);
    expect(sim.control.workspace('web01')).toMatchObject({ runCount: 0, configurationVersionCount: 1 });
  });
});

describe('tfe simulator - runs', () => {
  it('creates a run as pending (201) with a message and actions', async () => {
    const sim = await start();
    const ws = await readyWorkspace(sim, 'web01');
    const res = await createRun(apiOf(sim), ws.id, { message: 'oo task t-1' });
    expect(res.status).toBe(201);
    expect(res.json<Doc>().data.attributes).toMatchObject({
      status: 'pending',
      message: 'oo task t-1',
      source: 'tfe-api',
      actions: { 'is-confirmable': false },
    });
  });

  it('answers 404 to a run for an unknown workspace', async () => {
    const sim = await start();
    expect((await createRun(apiOf(sim), 'ws-doesnotexist0000')).status).toBe(404);
  });

  it('answers 422 to a run whose configuration is not uploaded', async () => {
    const sim = await start();
    const api = apiOf(sim);
    const ws = await createWorkspace(api, 'web01');
    await createConfigurationVersion(api, ws.id, false);
    expect((await createRun(api, ws.id)).status).toBe(422);
  });

  it('is confirmable only while awaiting confirmation, in planned', async () => {
    const sim = await start();
    const ws = await readyWorkspace(sim, 'web01');
    const run = (await createRun(apiOf(sim), ws.id)).json<Doc>().data;
    const seen = await tickThrough(sim, run.id, 8);
    expect(seen.map((s) => s.status)).toEqual([
      'pending',
      'plan_queued',
      'planning',
      ...Array(5).fill('planned'),
    ]);
    expect(seen.filter((s) => s.confirmable).every((s) => s.status === 'planned')).toBe(true);
    expect(seen.filter((s) => s.status !== 'planned').some((s) => s.confirmable)).toBe(false);
  });

  it('applies a confirmed run through confirmed, apply_queued and applying to applied', async () => {
    const sim = await start();
    const api = apiOf(sim);
    const ws = await readyWorkspace(sim, 'web01');
    const run = (await createRun(api, ws.id)).json<Doc>().data;
    sim.control.tick(3);
    expect((await api.post(`/runs/${run.id}/actions/apply`, { comment: 'go' })).status).toBe(202);
    const seen = await tickThrough(sim, run.id);
    expect(seen.map((s) => s.status)).toEqual(['confirmed', 'apply_queued', 'applying', 'applied']);
  });

  it('answers 409 "transition not allowed" to apply a run that is not awaiting confirmation', async () => {
    const sim = await start();
    const api = apiOf(sim);
    const ws = await readyWorkspace(sim, 'web01');
    const run = (await createRun(api, ws.id)).json<Doc>().data;
    const res = await api.post(`/runs/${run.id}/actions/apply`);
    expect(res.status).toBe(409);
    expect(res.json<ErrorDoc>().errors[0]?.title).toBe('transition not allowed');
  });

  it('keeps a second run pending with position-in-queue until the first one ends', async () => {
    const sim = await start();
    const api = apiOf(sim);
    const ws = await readyWorkspace(sim, 'web01');
    const first = (await createRun(api, ws.id, { message: 'first' })).json<Doc>().data;
    sim.control.tick(3);
    const second = (await createRun(api, ws.id, { message: 'second' })).json<Doc>().data;
    sim.control.tick(5);
    expect((await runStatus(api, second.id)).attributes).toMatchObject({
      status: 'pending',
      'position-in-queue': 1,
    });
    expect((await api.post(`/runs/${first.id}/actions/discard`)).status).toBe(202);
    expect((await runStatus(api, first.id)).attributes.status).toBe('discarded');
    sim.control.tick();
    expect((await runStatus(api, second.id)).attributes).toMatchObject({
      status: 'plan_queued',
      'position-in-queue': 0,
    });
  });

  it('lists the runs of a workspace newest first with their messages', async () => {
    const sim = await start();
    const api = apiOf(sim);
    const ws = await readyWorkspace(sim, 'web01');
    await createRun(api, ws.id, { message: 'oo:task-1' });
    await createRun(api, ws.id, { message: 'oo:task-2' });
    const runs = (await api.get(`/workspaces/${ws.id}/runs`)).json<ListDoc>().data;
    expect(runs.map((r) => r.attributes.message)).toEqual(['oo:task-2', 'oo:task-1']);
  });

  it('cancels a planning run on the next tick and sets canceled-at', async () => {
    const sim = await start();
    const api = apiOf(sim);
    const ws = await readyWorkspace(sim, 'web01');
    const run = (await createRun(api, ws.id)).json<Doc>().data;
    sim.control.tick(2);
    expect((await runStatus(api, run.id)).attributes.status).toBe('planning');
    expect((await api.post(`/runs/${run.id}/actions/cancel`)).status).toBe(202);
    expect((await runStatus(api, run.id)).attributes['canceled-at']).toEqual(expect.any(String));
    sim.control.tick();
    expect((await runStatus(api, run.id)).attributes.status).toBe('canceled');
  });

  it('refuses force-cancel before a cancel and allows it after the cool-off when cancel hangs', async () => {
    const sim = await start({ defaultScenario: 'cancel-hangs', forceCancelCoolOffMs: 0 });
    const api = apiOf(sim);
    const ws = await readyWorkspace(sim, 'web01');
    const run = (await createRun(api, ws.id)).json<Doc>().data;
    sim.control.tick(2);
    expect((await api.post(`/runs/${run.id}/actions/force-cancel`)).status).toBe(409);
    await api.post(`/runs/${run.id}/actions/cancel`);
    sim.control.tick(3);
    const stuck = (await runStatus(api, run.id)).attributes;
    expect(stuck).toMatchObject({ status: 'planning', actions: { 'is-force-cancelable': true } });
    expect((await api.post(`/runs/${run.id}/actions/force-cancel`)).status).toBe(202);
    expect((await runStatus(api, run.id)).attributes.status).toBe('force_canceled');
  });

  it('follows the scenario chosen for a run message', async () => {
    const sim = await start();
    sim.control.setScenario('no-changes', { messageContains: '[noop]' });
    const ws = await readyWorkspace(sim, 'web01');
    const run = (await createRun(apiOf(sim), ws.id, { message: 'refresh [noop]' })).json<Doc>().data;
    const seen = await tickThrough(sim, run.id);
    expect(seen.at(-1)?.status).toBe('planned_and_finished');
  });
});

describe('tfe simulator - scenarios on the clock', () => {
  const clock = { stepDelayMs: 20 };
  const final = (status: unknown) =>
    ['applied', 'planned_and_finished', 'errored', 'discarded', 'canceled'].includes(String(status));

  async function runUntil(sim: TfeSimulator, runId: string, done: (run: Doc['data']) => boolean) {
    return eventually(() => runStatus(apiOf(sim), runId), done);
  }

  it('auto-apply reaches applied without confirmation', async () => {
    const sim = await start(clock);
    const ws = await readyWorkspace(sim, 'web01');
    const run = (await createRun(apiOf(sim), ws.id, { 'auto-apply': true })).json<Doc>().data;
    const done = await runUntil(sim, run.id, (r) => final(r.attributes.status));
    expect(done.attributes.status).toBe('applied');
    expect(done.attributes['status-timestamps']).not.toHaveProperty('confirmed-at');
  });

  it('no changes ends planned_and_finished with has-changes false', async () => {
    const sim = await start({ ...clock, defaultScenario: 'no-changes' });
    const ws = await readyWorkspace(sim, 'web01');
    const run = (await createRun(apiOf(sim), ws.id)).json<Doc>().data;
    const done = await runUntil(sim, run.id, (r) => final(r.attributes.status));
    expect(done.attributes).toMatchObject({ status: 'planned_and_finished', 'has-changes': false });
  });

  it('plan errored ends errored with the plan errored and the apply unreachable', async () => {
    const sim = await start(clock);
    sim.control.setScenario('plan-errored', { workspace: 'web01' });
    const api = apiOf(sim);
    const ws = await readyWorkspace(sim, 'web01');
    const run = (await createRun(api, ws.id)).json<Doc>().data;
    await runUntil(sim, run.id, (r) => final(r.attributes.status));
    const doc = (await api.get(`/runs/${run.id}?include=plan,apply`)).json<Doc>();
    expect(doc.data.attributes.status).toBe('errored');
    expect(doc.included?.map((r) => [r.type, r.attributes.status])).toEqual([
      ['plans', 'errored'],
      ['applies', 'unreachable'],
    ]);
  });

  it('apply errored ends errored after confirmation', async () => {
    const sim = await start({ ...clock, defaultScenario: 'apply-errored' });
    const api = apiOf(sim);
    const ws = await readyWorkspace(sim, 'web01');
    const run = (await createRun(api, ws.id)).json<Doc>().data;
    await runUntil(
      sim,
      run.id,
      (r) => (r.attributes.actions as Record<string, boolean>)['is-confirmable'] === true,
    );
    await api.post(`/runs/${run.id}/actions/apply`);
    const done = await runUntil(sim, run.id, (r) => final(r.attributes.status));
    expect(done.attributes.status).toBe('errored');
    expect(done.attributes['status-timestamps']).toHaveProperty('applying-at');
  });

  it('cost estimation is confirmable in cost_estimated, not in planned', async () => {
    const sim = await start({ ...clock, defaultScenario: 'cost-estimation' });
    const ws = await readyWorkspace(sim, 'web01');
    const run = (await createRun(apiOf(sim), ws.id)).json<Doc>().data;
    const ready = await runUntil(
      sim,
      run.id,
      (r) => (r.attributes.actions as Record<string, boolean>)['is-confirmable']!,
    );
    expect(ready.attributes.status).toBe('cost_estimated');
  });
});

describe('tfe simulator - logs and state', () => {
  it('serves logs without auth that start with STX, honour offset and limit, and end with ETX when final', async () => {
    const sim = await start();
    const api = apiOf(sim);
    const ws = await readyWorkspace(sim, 'web01');
    const run = (await createRun(api, ws.id)).json<Doc>().data;
    sim.control.tick(2); // planning
    const plan = (await api.get(`/runs/${run.id}/plan`)).json<Doc>().data;
    const url = plan.attributes['log-read-url'] as string;
    const partial = await call(`${url}?offset=0&limit=1000`);
    expect(partial.text.startsWith('\u0002Terraform v')).toBe(true);
    expect(partial.text).not.toContain('\u0003');
    sim.control.tick(); // planned: plan finished
    const rest = await call(`${url}?offset=${Buffer.byteLength(partial.text)}&limit=100000`);
    expect(rest.text.endsWith('Plan: 1 to add, 0 to change, 0 to destroy.\n\u0003')).toBe(true);
    expect((await call(`${url}?offset=1&limit=9`)).text).toBe('Terraform');
  });

  it('answers 404 for current state outputs before the first apply', async () => {
    const sim = await start();
    const ws = await readyWorkspace(sim, 'web01');
    expect((await apiOf(sim).get(`/workspaces/${ws.id}/current-state-version-outputs`)).status).toBe(404);
  });

  it('derives outputs from the terraform variables after apply, with sensitive values null', async () => {
    const sim = await start();
    const api = apiOf(sim);
    const ws = await readyWorkspace(sim, 'web01', { 'auto-apply': true });
    const variable = (key: string, value: string, sensitive = false) =>
      api.post(`/workspaces/${ws.id}/vars`, {
        data: { type: 'vars', attributes: { key, value, category: 'terraform', sensitive } },
      });
    await variable('vm_name', 'web01');
    await variable('ip_address', '10.0.0.5', true);
    const run = (await createRun(api, ws.id)).json<Doc>().data;
    await tickThrough(sim, run.id);
    const outputs = (await api.get(`/workspaces/${ws.id}/current-state-version-outputs`)).json<ListDoc>()
      .data;
    expect(outputs.map((o) => o.attributes)).toEqual([
      { name: 'vm_name', sensitive: false, type: 'string', value: 'web01', 'detailed-type': 'string' },
      { name: 'ip_address', sensitive: true, type: 'string', value: null, 'detailed-type': 'string' },
    ]);
    expect(outputs[0]?.id).toMatch(/^wsout-/);
  });

  it('answers 503 for outputs during the processing window, then the outputs', async () => {
    const sim = await start({ outputsProcessingTicks: 2, outputs: [{ name: 'id', value: 'vm-42' }] });
    const api = apiOf(sim);
    const ws = await readyWorkspace(sim, 'web01', { 'auto-apply': true });
    const run = (await createRun(api, ws.id)).json<Doc>().data;
    await tickThrough(sim, run.id);
    expect((await api.get(`/workspaces/${ws.id}/current-state-version-outputs`)).status).toBe(503);
    sim.control.tick(2);
    const outputs = (await api.get(`/workspaces/${ws.id}/current-state-version-outputs`)).json<ListDoc>()
      .data;
    expect(outputs.map((o) => o.attributes.value)).toEqual(['vm-42']);
  });
});

describe('tfe simulator - fault injection and control', () => {
  it('answers the next N matching requests with the injected status, then normally', async () => {
    const sim = await start();
    sim.control.injectFault({
      method: 'GET',
      path: '/api/v2/organizations/oo/workspaces/*',
      times: 2,
      fault: { type: 'error' },
    });
    const api = apiOf(sim);
    await createWorkspace(api, 'web01');
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await api.get('/organizations/oo/workspaces/web01')).status);
    expect(statuses).toEqual([503, 503, 200]);
  });

  it('answers 429 with X-RateLimit-Reset for an injected rate limit', async () => {
    const sim = await start();
    sim.control.injectFault({
      path: '/api/v2/organizations/oo/workspaces/web01',
      fault: { type: 'rate-limit', resetSeconds: 0.25 },
    });
    const res = await apiOf(sim).get('/organizations/oo/workspaces/web01');
    expect(res.status).toBe(429);
    expect(res.headers.get('x-ratelimit-reset')).toBe('0.25');
    expect(res.json<{ errors: { status: number }[] }>().errors[0]?.status).toBe(429);
  });

  it('delays the answer for an injected slow fault, then answers normally', async () => {
    const sim = await start();
    sim.control.injectFault({ path: '/api/v2/ping', fault: { type: 'slow', delayMs: 150 } });
    const started = Date.now();
    expect((await call(`${sim.url}/api/v2/ping`)).status).toBe(204);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('destroys the connection for an injected reset', async () => {
    const sim = await start();
    sim.control.injectFault({ path: '/api/v2/organizations/oo/workspaces/web01', fault: { type: 'reset' } });
    await expect(apiOf(sim).get('/organizations/oo/workspaces/web01')).rejects.toThrow();
    expect(sim.control.requests({ path: '/api/v2/organizations/oo/workspaces/web01' })[0]?.status).toBe(
      'reset',
    );
  });

  it('processes the request before answering an error injected after processing', async () => {
    const sim = await start();
    sim.control.injectFault({
      method: 'POST',
      path: '/api/v2/organizations/oo/workspaces',
      fault: { type: 'error', status: 502, afterProcessing: true },
    });
    const api = apiOf(sim);
    const res = await api.post('/organizations/oo/workspaces', {
      data: { type: 'workspaces', attributes: { name: 'w' } },
    });
    expect(res.status).toBe(502);
    expect((await api.get('/organizations/oo/workspaces/w')).status).toBe(200);
  });

  it('injects faults, sets scenarios, ticks and reports workspaces over the HTTP control API', async () => {
    const sim = await start();
    const control = (path: string, body?: unknown) =>
      call(`${sim.url}/_sim${path}`, body === undefined ? {} : { method: 'POST', body });
    expect(
      (
        await control('/faults', {
          method: 'GET',
          path: '/api/v2/workspaces/*',
          fault: { type: 'error', status: 500 },
        })
      ).status,
    ).toBe(204);
    expect((await control('/scenarios', { scenario: 'no-changes', workspace: 'web01' })).status).toBe(204);
    const ws = await readyWorkspace(sim, 'web01');
    expect((await apiOf(sim).get(`/workspaces/${ws.id}`)).status).toBe(500);
    const run = (await createRun(apiOf(sim), ws.id)).json<Doc>().data;
    expect((await control('/tick', { count: 4 })).status).toBe(204);
    const report = (await control('/workspaces/web01')).json<{ runs: { id: string; status: string }[] }>();
    expect(report.runs).toEqual([expect.objectContaining({ id: run.id, status: 'planned_and_finished' })]);
  });
});
