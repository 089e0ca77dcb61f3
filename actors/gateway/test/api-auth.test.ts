import type { TokenInfo } from '@oo/read-model';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { apiAuth } from '../src/api-auth.js';

/** Shaped like a minted secret; only the stub below knows it. */
const GOOD = `oo_tok_01JGZZZZZZZZZZZZZZZZZZZZZZ_${'A'.repeat(43)}`;

const token: TokenInfo = {
  id: 'tok_1',
  name: 'alice',
  role: 'requester',
  createdAt: '2025-01-01T00:00:00.000Z',
  lastUsedAt: null,
  revokedAt: null,
};

function store() {
  const state = { live: true, lookups: 0, touches: 0 };
  return {
    state,
    readModel: {
      findTokenBySecret: async (secret: string) => {
        state.lookups++;
        return state.live && secret === GOOD ? token : undefined;
      },
      touchToken: async () => {
        state.touches++;
      },
    },
  };
}

describe('api auth', () => {
  it('turns a token into the principal of its name, role and id', async () => {
    const { readModel } = store();
    const auth = apiAuth({ readModel, log: pino({ level: 'silent' }), cacheMs: 0 });
    expect(await auth.authenticate(`Bearer ${GOOD}`)).toEqual({
      sub: 'alice',
      role: 'requester',
      tokenId: 'tok_1',
    });
  });

  it('refuses a revoked token once its cached entry is older than cacheMs', async () => {
    let now = 0;
    const { readModel, state } = store();
    const auth = apiAuth({ readModel, log: pino({ level: 'silent' }), cacheMs: 5_000, now: () => now });
    await auth.authenticate(`Bearer ${GOOD}`);
    state.live = false;
    now = 4_999;
    await expect(auth.authenticate(`Bearer ${GOOD}`)).resolves.toMatchObject({ sub: 'alice' });
    now = 5_001;
    await expect(auth.authenticate(`Bearer ${GOOD}`)).rejects.toMatchObject({ code: 'OO_ERR_AUTH_INVALID' });
    expect(state.lookups).toBe(2);
  });

  it('writes "last used" at most once a minute per token', async () => {
    let now = 0;
    const { readModel, state } = store();
    const auth = apiAuth({ readModel, log: pino({ level: 'silent' }), cacheMs: 0, now: () => now });
    await auth.authenticate(`Bearer ${GOOD}`);
    now = 30_000;
    await auth.authenticate(`Bearer ${GOOD}`);
    now = 61_000;
    await auth.authenticate(`Bearer ${GOOD}`);
    expect(state.touches).toBe(2);
  });
});

describe('api auth - malformed tokens', () => {
  it('refuses a secret no minted token could be without asking the read model', async () => {
    const { readModel, state } = store();
    const auth = apiAuth({ readModel, log: pino({ level: 'silent' }), cacheMs: 0 });
    for (const secret of ['good', 'oo_tok_1_x', `${GOOD}A`, GOOD.slice(0, -1), `${GOOD.slice(0, -1)}B`]) {
      await expect(auth.authenticate(`Bearer ${secret}`), secret).rejects.toMatchObject({
        code: 'OO_ERR_AUTH_INVALID',
        message: expect.stringContaining('malformed'),
      });
    }
    expect(state.lookups).toBe(0);
  });

  it('asks the read model about a well-shaped secret it does not know', async () => {
    const { readModel, state } = store();
    const auth = apiAuth({ readModel, log: pino({ level: 'silent' }), cacheMs: 0 });
    await expect(auth.authenticate(`Bearer ${GOOD.replace('_AAAA', '_BAAA')}`)).rejects.toMatchObject({
      code: 'OO_ERR_AUTH_INVALID',
      message: 'the API token is unknown or revoked',
    });
    expect(state.lookups).toBe(1);
  });
});
