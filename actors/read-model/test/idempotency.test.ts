import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReadModel } from '../src/index.js';
import { databases } from './fixtures/databases.js';

describe.each(databases)('read model idempotency keys ($kind)', (database) => {
  let readModel: ReadModel;
  let release: () => Promise<void>;
  let clock = new Date('2025-01-01T00:00:00.000Z');
  beforeAll(async () => {
    ({ readModel, release } = await database.open({ now: () => clock }));
  });
  afterAll(() => release());

  const response = { status: 202, body: { requestId: 'req_1', traceId: 'abc' } };

  it('finds the response remembered under a principal and key', async () => {
    const stored = await readModel.rememberResponse({
      principal: 'alice',
      key: 'k1',
      bodyHash: 'h1',
      response,
    });
    expect(stored).toEqual({
      principal: 'alice',
      key: 'k1',
      bodyHash: 'h1',
      response,
      createdAt: clock.toISOString(),
    });
    expect(await readModel.findResponse('alice', 'k1')).toEqual(stored);
    expect(await readModel.findResponse('bob', 'k1')).toBeUndefined();
  });

  it('keeps the first response when a key is remembered twice', async () => {
    const first = await readModel.rememberResponse({
      principal: 'alice',
      key: 'k2',
      bodyHash: 'h1',
      response,
    });
    const second = await readModel.rememberResponse({
      principal: 'alice',
      key: 'k2',
      bodyHash: 'other-body',
      response: { status: 202, body: { requestId: 'req_2' } },
    });
    expect(second).toEqual(first);
  });

  it('forgets responses remembered before a given time', async () => {
    await readModel.rememberResponse({ principal: 'carol', key: 'old', bodyHash: 'h', response });
    clock = new Date(clock.getTime() + 86_400_000);
    await readModel.rememberResponse({ principal: 'carol', key: 'new', bodyHash: 'h', response });
    expect(await readModel.pruneResponses(new Date(clock.getTime() - 1_000))).toBeGreaterThanOrEqual(1);
    expect(await readModel.findResponse('carol', 'old')).toBeUndefined();
    expect(await readModel.findResponse('carol', 'new')).toBeDefined();
  });
});
