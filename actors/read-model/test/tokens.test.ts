import { randomBytes } from 'node:crypto';
import { newId } from '@oo/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreatedToken, isTokenSecret, type ReadModel, TOUCH_INTERVAL_MS } from '../src/index.js';
import { newSecret } from '../src/tokens.js';
import { databases } from './fixtures/databases.js';

describe.each(databases)('read model API tokens ($kind)', (database) => {
  let readModel: ReadModel;
  let release: () => Promise<void>;
  let clock = new Date('2025-01-01T00:00:00.000Z');
  beforeAll(async () => {
    ({ readModel, release } = await database.open({ now: () => clock }));
  });
  afterAll(() => release());

  it('stores only the hash of a secret, never the secret', async () => {
    const created = await readModel.createToken({ name: 'monitoring', role: 'service' });
    expect(CreatedToken.safeParse(created).error).toBeUndefined();
    const { token, secret } = created;
    expect(secret).toMatch(new RegExp(`^oo_${token.id}_[A-Za-z0-9_-]{43}$`));
    const rows = await readModel.db.query('SELECT * FROM api_tokens WHERE id = $1', [token.id]);
    const stored = JSON.stringify(rows);
    expect(stored).not.toContain(secret);
    expect(stored).not.toContain(secret.slice(-43));
    expect(rows[0]?.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('finds a token by its secret, and by no other string', async () => {
    const { token, secret } = await readModel.createToken({ name: 'alice', role: 'operator' });
    expect(await readModel.findTokenBySecret(secret)).toEqual(token);
    // Another char in the middle keeps the shape: only the hash tells it apart.
    const other = secret.at(-10) === 'A' ? 'B' : 'A';
    const forged = `${secret.slice(0, -10)}${other}${secret.slice(-9)}`;
    expect(isTokenSecret(forged)).toBe(true);
    expect(await readModel.findTokenBySecret(forged)).toBeUndefined();
    expect(await readModel.findTokenBySecret(`${secret}x`)).toBeUndefined();
    expect(await readModel.findTokenBySecret('')).toBeUndefined();
  });

  it('finds no revoked token, and revokes only once', async () => {
    const { token, secret } = await readModel.createToken({ name: 'leaked', role: 'admin' });
    expect(await readModel.revokeToken(token.id)).toBe(true);
    expect(await readModel.findTokenBySecret(secret)).toBeUndefined();
    expect(await readModel.revokeToken(token.id)).toBe(false);
    const listed = (await readModel.listTokens()).find((t) => t.id === token.id);
    expect(listed?.revokedAt).toBe(clock.toISOString());
  });

  it('notes when a token was last used, at most once per interval', async () => {
    const { token, secret } = await readModel.createToken({ name: 'busy', role: 'requester' });
    const first = clock;
    await readModel.touchToken(token.id);
    clock = new Date(first.getTime() + TOUCH_INTERVAL_MS - 1);
    await readModel.touchToken(token.id);
    expect((await readModel.findTokenBySecret(secret))?.lastUsedAt).toBe(first.toISOString());
    clock = new Date(first.getTime() + TOUCH_INTERVAL_MS + 1);
    await readModel.touchToken(token.id);
    expect((await readModel.findTokenBySecret(secret))?.lastUsedAt).toBe(clock.toISOString());
  });
});

describe('read model API token shape', () => {
  it('accepts every secret it mints, whatever the time and the last random byte', () => {
    for (const ms of [0, Date.parse('2025-01-01T00:00:00Z'), 2 ** 48 - 1]) {
      for (let last = 0; last < 256; last++) {
        const secret = newSecret(newId('tok', ms), Buffer.concat([randomBytes(31), Buffer.from([last])]));
        expect(isTokenSecret(secret), secret).toBe(true);
      }
    }
  });

  it('refuses what no minted secret can be', () => {
    const secret = newSecret(newId('tok', Date.parse('2025-01-01T00:00:00Z')), Buffer.alloc(32));
    expect(isTokenSecret(secret)).toBe(true);
    for (const forged of [
      '',
      'oo_tok_1_x',
      `${secret}A`,
      secret.slice(0, -1),
      // A ULID time at or past 2^48 ms.
      secret.replace('oo_tok_0', 'oo_tok_8'),
      // Base64url of 32 bytes whose unused low bits are not zero.
      `${secret.slice(0, -1)}B`,
      secret.replace('oo_', 'xx_'),
      secret.replace('_AAAA', '_AA+A'),
    ]) {
      expect(isTokenSecret(forged), forged).toBe(false);
    }
  });
});
