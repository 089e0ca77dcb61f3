import type { RememberInput, StoredResponse } from '@oo/read-model';
import { describe, expect, it } from 'vitest';
import { bodyHash, canonicalJson, IDEMPOTENCY_WINDOW_MS, idempotencyStore } from '../src/idempotency.js';

const answer = {
  requestId: 'req_1',
  traceId: '0af7651916cd43dd8448eb211c80319c',
  status: 'accepted' as const,
  links: { self: '/v1/requests/req_1', events: '/v1/requests/req_1/events', logs: '/v1/requests/req_1/logs' },
};

function memoryStore(now: () => number) {
  const rows = new Map<string, StoredResponse>();
  return {
    rows,
    findResponse: async (principal: string, key: string) => rows.get(`${principal}/${key}`),
    rememberResponse: async (input: RememberInput) => {
      const id = `${input.principal}/${input.key}`;
      if (!rows.has(id)) {
        rows.set(id, { ...input, createdAt: new Date(now()).toISOString() });
      }
      return rows.get(id)!;
    },
    pruneResponses: async (before: Date) => {
      let n = 0;
      for (const [id, row] of rows) {
        if (Date.parse(row.createdAt) < before.getTime()) {
          rows.delete(id);
          n++;
        }
      }
      return n;
    },
  };
}

describe('idempotency', () => {
  it('hashes bodies the same whatever the order of their keys', () => {
    expect(canonicalJson({ b: 1, a: [{ y: 2, x: 1 }] })).toBe('{"a":[{"x":1,"y":2}],"b":1}');
    expect(bodyHash({ b: 1, a: 2 })).toBe(bodyHash({ a: 2, b: 1 }));
    expect(bodyHash({ a: 1 })).not.toBe(bodyHash({ a: 2 }));
  });

  it('gives the stored answer back for the same body, and a conflict for another', async () => {
    const now = () => Date.parse('2025-01-01T00:00:00Z');
    const ids = idempotencyStore(memoryStore(now), now);
    await ids.remember('alice', 'k', 'hash-1', answer);
    expect(await ids.find('alice', 'k', 'hash-1')).toEqual(answer);
    await expect(ids.find('alice', 'k', 'hash-2')).rejects.toMatchObject({
      code: 'OO_ERR_HTTP_IDEMPOTENCY_CONFLICT',
    });
  });

  it('forgets an answer after 24 hours, so the key can be used again', async () => {
    let now = Date.parse('2025-01-01T00:00:00Z');
    const store = memoryStore(() => now);
    const ids = idempotencyStore(store, () => now);
    await ids.remember('alice', 'k', 'hash-1', answer);
    now += IDEMPOTENCY_WINDOW_MS + 1;
    expect(await ids.find('alice', 'k', 'hash-2')).toBeUndefined();
    expect(store.rows.size).toBe(0);
  });
});
