import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditPage, type ReadModel } from '../src/index.js';
import { databases } from './fixtures/databases.js';
import { at, ids, requestEvent, TRACE } from './fixtures/events.js';
import { nextSeq } from './fixtures/story.js';

describe.each(databases)('read model audit trail ($kind)', (database) => {
  let readModel: ReadModel;
  let release: () => Promise<void>;
  beforeAll(async () => {
    ({ readModel, release } = await database.open());
  });
  afterAll(() => release());

  it('records a batch in one statement, skipping acts already on record, duplicates in it included', async () => {
    const act = (i: number) => ({
      principal: 'alice',
      action: 'request.submit.http',
      target: `req_b${i}`,
      at: at(i),
    });
    await readModel.recordAudit(act(0));
    await readModel.recordAudits([act(0), act(1), act(2), act(2), { ...act(3), details: { key: 'k' } }]);
    const page = await readModel.listAudit({ principal: 'alice', action: 'request.submit.http' });
    expect(page.items.map((e) => e.target).sort()).toEqual(['req_b0', 'req_b1', 'req_b2', 'req_b3']);
    expect(page.items.find((e) => e.target === 'req_b3')?.details).toEqual({ key: 'k' });
  });

  it('records an act once, however often it is recorded', async () => {
    const act = {
      principal: 'admin',
      action: 'token.revoke',
      target: 'tok_1',
      at: at(5),
      details: { why: 'leak' },
    };
    expect(await readModel.recordAudit(act)).toBe(true);
    expect(await readModel.recordAudit(act)).toBe(false);
    const page = await readModel.listAudit({ target: 'tok_1' });
    expect(page.items).toEqual([
      expect.objectContaining({
        principal: 'admin',
        action: 'token.revoke',
        details: { why: 'leak' },
        at: at(5),
      }),
    ]);
  });

  it('lists newest first, filtered, a page at a time', async () => {
    const { requestId: target } = ids();
    for (let i = 0; i < 3; i++)
      await readModel.recordAudit({ principal: 'op', action: 'request.cancel', target, at: at(i) });
    const first = await readModel.listAudit({ target, limit: 2 });
    expect(AuditPage.safeParse(first).error).toBeUndefined();
    expect(first.items.map((e) => e.at)).toEqual([at(2), at(1)]);
    const second = await readModel.listAudit({ target, limit: 2, cursor: first.nextCursor! });
    expect(second.items.map((e) => e.at)).toEqual([at(0)]);
    expect(second.nextCursor).toBeNull();
  });

  it('puts each submission from the event stream in the trail, once per replay', async () => {
    const { requestId, submittedBy } = ids();
    const accepted = requestEvent({ requestId, submittedBy, status: 'accepted', at: at(9) });
    const seq = nextSeq();
    await readModel.applyRequestEvent(seq, accepted);
    await readModel.resetProjections();
    await readModel.applyRequestEvent(seq, accepted);
    const page = await readModel.listAudit({ target: requestId });
    expect(page.items).toEqual([
      expect.objectContaining({
        principal: submittedBy,
        action: 'request.submit',
        details: { outcome: 'accepted' },
        traceId: TRACE,
      }),
    ]);
  });
});
