import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventRecord, type ReadModel, RequestPage, RequestView } from '../src/index.js';
import { databases } from './fixtures/databases.js';
import { at, ids, requestEvent, vmBody } from './fixtures/events.js';
import { COMMIT, foldAll, nextSeq, requestStory } from './fixtures/story.js';

describe.each(databases)('read model requests ($kind)', (database) => {
  let readModel: ReadModel;
  let release: () => Promise<void>;
  beforeAll(async () => {
    ({ readModel, release } = await database.open());
  });
  afterAll(() => release());

  /** `count` accepted requests by one new submitter, a minute apart; newest last. */
  async function submitted(count: number, status: 'accepted' | 'rejected' = 'accepted') {
    const { submittedBy } = ids();
    const requestIds: string[] = [];
    for (let i = 0; i < count; i++) {
      const { requestId } = ids();
      await readModel.applyRequestEvent(
        nextSeq(),
        requestEvent({ requestId, submittedBy, status, body: vmBody, at: at(100 + i) }),
      );
      requestIds.push(requestId);
    }
    return { submittedBy, requestIds };
  }

  it('assembles a request with its status, resources, run tree, tasks and commits', async () => {
    const who = ids();
    await foldAll(readModel, requestStory(who));
    const view = await readModel.getRequest(who.requestId);
    // The shape the gateway's OpenAPI document promises.
    expect(RequestView.safeParse(view).error).toBeUndefined();
    expect(view).toMatchObject({
      requestId: who.requestId,
      status: 'succeeded',
      submittedBy: who.submittedBy,
      submittedAt: at(0),
      updatedAt: at(12),
      resources: vmBody.resources,
      template: 'vm-unmanaged',
      runId: who.runId,
      fileUrl: 'oo://files/r.json',
      rerunOf: null,
      outputs: { host: 'web-01' },
      error: null,
      commits: [{ repo: COMMIT.repo, commit: COMMIT.commit }],
    });
    expect(view?.runs.map((r) => [r.runId, r.parentRunId, r.status])).toEqual([
      [who.runId, null, 'succeeded'],
      [`${who.runId}-awx`, who.runId, 'succeeded'],
    ]);
    expect(view?.runs[0]?.tasks.map((t) => t.id)).toEqual(['commit', 'build']);
    expect(view?.runs[1]?.tasks).toEqual([
      {
        id: 'launch',
        type: 'awx.launch',
        status: 'succeeded',
        attempts: 2,
        startedAt: at(6),
        finishedAt: at(9),
        error: null,
      },
    ]);
  });

  it('finds the runs of a request through the root run even when children carry no request id', async () => {
    const who = ids();
    const story = requestStory(who).map((e) =>
      e.kind === 'run' && e.event.parent ? { ...e, event: { ...e.event, requestId: undefined } } : e,
    );
    await foldAll(readModel, story);
    const view = await readModel.getRequest(who.requestId);
    expect(view?.runs.map((r) => r.runId)).toEqual([who.runId, `${who.runId}-awx`]);
  });

  it('shows how the request asked: managed or not, its catalog item, its notes and whom else to tell', async () => {
    const { requestId, submittedBy } = ids();
    const body = {
      ...vmBody,
      managed: true,
      notes: 'for the <b>shop</b> launch',
      notify: ['ops@example.com'],
      catalogItem: 'rhel-vm',
    };
    await readModel.applyRequestEvent(
      nextSeq(),
      requestEvent({ requestId, submittedBy, status: 'accepted', body, at: at(0) }),
    );
    expect(await readModel.getRequest(requestId)).toMatchObject({
      managed: true,
      notes: 'for the <b>shop</b> launch',
      notify: ['ops@example.com'],
      catalogItem: 'rhel-vm',
    });
  });

  it('shows no notes and managed null while no event carrying the body has been folded', async () => {
    const { requestId, submittedBy } = ids();
    await readModel.applyRequestEvent(
      nextSeq(),
      requestEvent({ requestId, submittedBy, status: 'running', at: at(0) }),
    );
    expect(await readModel.getRequest(requestId)).toMatchObject({
      managed: null,
      notes: null,
      notify: [],
      catalogItem: null,
    });
  });

  it('answers undefined for a request no event has mentioned', async () => {
    expect(await readModel.getRequest('req_never')).toBeUndefined();
  });

  it('keeps every reason of a rejected request', async () => {
    const { requestId, submittedBy } = ids();
    const reasons = [{ path: 'resources.0.cpu', message: 'must be at most 16 on INTRANET_DEV' }];
    await readModel.applyRequestEvent(
      nextSeq(),
      requestEvent({ requestId, submittedBy, status: 'rejected', reasons }),
    );
    expect(await readModel.getRequest(requestId)).toMatchObject({ status: 'rejected', reasons, runs: [] });
  });

  it('ends a request its run rejected as rejected, with every reason and the error, its submission audited once', async () => {
    const who = ids();
    const reasons = [{ path: 'resources.0.cpu', message: 'must be at most 1' }];
    const error = {
      code: 'OO_ERR_RFM_REJECTED',
      message: 'request rejected: resources.0.cpu: must be at most 1',
      retryable: false,
      details: { reasons },
    };
    const accepted = { ...who, status: 'accepted' as const, body: vmBody, at: at(0) };
    await readModel.applyRequestEvent(nextSeq(), requestEvent(accepted));
    await readModel.applyRequestEvent(
      nextSeq(),
      requestEvent({ ...who, status: 'running', runId: who.runId, template: 'vm-unmanaged', at: at(1) }),
    );
    await readModel.applyRequestEvent(
      nextSeq(),
      requestEvent({ ...who, status: 'rejected', runId: who.runId, reasons, error, at: at(2) }),
    );
    expect(await readModel.getRequest(who.requestId)).toMatchObject({
      status: 'rejected',
      runId: who.runId,
      reasons,
      error,
      resources: vmBody.resources,
    });
    const trail = await readModel.listAudit({ target: who.requestId, action: 'request.submit' });
    expect(trail.items.map((e) => e.details)).toEqual([{ outcome: 'accepted' }]);
  });

  it('lists requests newest first, a page at a time, until a page without a next cursor', async () => {
    const { submittedBy, requestIds } = await submitted(5);
    const pages: string[][] = [];
    let cursor: string | undefined;
    do {
      const page = await readModel.listRequests({ submittedBy, limit: 2, ...(cursor ? { cursor } : {}) });
      expect(RequestPage.safeParse(page).error).toBeUndefined();
      pages.push(page.items.map((r) => r.requestId));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(pages).toEqual([requestIds.slice(3).reverse(), requestIds.slice(1, 3).reverse(), [requestIds[0]]]);
  });

  it('filters a listing by status and by submitter', async () => {
    const accepted = await submitted(2, 'accepted');
    const rejected = await submitted(1, 'rejected');
    const page = await readModel.listRequests({ status: 'rejected', limit: 100 });
    expect(page.items.map((r) => r.requestId)).toContain(rejected.requestIds[0]);
    expect(page.items.every((r) => r.status === 'rejected')).toBe(true);
    const mine = await readModel.listRequests({ submittedBy: accepted.submittedBy });
    expect(mine.items.map((r) => r.requestId).sort()).toEqual([...accepted.requestIds].sort());
    expect(mine.nextCursor).toBeNull();
  });

  it('refuses a limit outside 1..100 and a cursor it did not make, naming the field', async () => {
    await expect(readModel.listRequests({ limit: 101 })).rejects.toMatchObject({
      issues: [expect.objectContaining({ path: ['limit'] })],
    });
    // Well-formed, but holding what PostgreSQL cannot take: a year 0, a year past 9999, a NUL.
    const forged = [
      ['0000-01-01T00:00:00.000Z', 'req_1'],
      ['9999-12-31T23:59:59-14:00', 'req_1'],
      ['2026-01-01T00:00:00.000Z', 'req_\u0000'],
    ].map((position) => Buffer.from(JSON.stringify(position)).toString('base64url'));
    for (const cursor of ['not-a-cursor', ...forged]) {
      await expect(readModel.listRequests({ cursor }), cursor).rejects.toMatchObject({
        issues: [expect.objectContaining({ path: ['cursor'] })],
      });
    }
  });

  it("replays a request's events, its runs' and tasks' included, in stream order after a sequence", async () => {
    const who = ids();
    const story = requestStory(who);
    await foldAll(readModel, [...story].reverse());
    const all = await readModel.requestEvents(who.requestId);
    expect(all.every((e) => EventRecord.safeParse(e).success)).toBe(true);
    expect(all.map((e) => e.seq)).toEqual(story.map((e) => e.seq));
    expect(all[0]).toMatchObject({ subject: 'oo.evt.request.accepted', at: at(0), body: story[0]?.event });
    const after = await readModel.requestEvents(who.requestId, story[9]!.seq, 3);
    expect(after.map((e) => e.seq)).toEqual(story.slice(10, 13).map((e) => e.seq));
  });
});
