import type { AuditInput } from '@oo/read-model';
import { openReadModel, type ReadModel } from '@oo/read-model';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditWriter } from '../src/audit-writer.js';

describe('audit writer (group commit on PGlite)', () => {
  let readModel: ReadModel;
  beforeAll(async () => {
    readModel = await openReadModel({ log: pino({ level: 'silent' }) });
  });
  afterAll(() => readModel.close());

  const act = (i: number): AuditInput => ({
    principal: 'bench',
    action: 'request.submit.http',
    target: `req_${String(i).padStart(4, '0')}`,
  });

  it('stores every entry of a burst, in fewer writes than entries, each caller waiting for its own', async () => {
    const writes: number[] = [];
    const writer = auditWriter(async (entries) => {
      writes.push(entries.length);
      await readModel.recordAudits(entries);
    });
    await Promise.all(Array.from({ length: 300 }, (_, i) => writer.record(act(i))));
    const stored = await readModel.listAudit({ principal: 'bench', limit: 100 });
    expect(stored.items).toHaveLength(100);
    expect(writes.reduce((a, b) => a + b, 0)).toBe(300);
    expect(writes.length).toBeLessThan(300);
    expect(writes[0]).toBe(1); // the first entry does not wait for company
  });

  it('rejects exactly the callers whose batch failed, and keeps writing after it', async () => {
    let fail = true;
    const writer = auditWriter(async (entries) => {
      if (fail) {
        fail = false;
        throw new Error('database went away');
      }
      await readModel.recordAudits(entries);
    });
    const first = writer.record({ ...act(9001), principal: 'flaky' });
    const second = writer.record({ ...act(9002), principal: 'flaky' });
    await expect(first).rejects.toThrow('database went away');
    await expect(second).resolves.toBeUndefined();
    const stored = await readModel.listAudit({ principal: 'flaky' });
    expect(stored.items.map((e) => e.target)).toEqual(['req_9002']);
  });
});
