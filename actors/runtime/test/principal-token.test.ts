import { DeadLetter, subject } from '@oo/contracts';
import { defineActor, on, principalTokens, startActor, verifyCaller } from '@oo/runtime';
import { freshName, type NatsServer, startNatsServer, waitFor } from '@oo/test-harness';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect } from './fixtures/collector.js';
import { silentLog, testConfig } from './fixtures/setup.js';
import { testSubjects } from './fixtures/subjects.js';

const SECRET = 'runtime-test-secret-0123456789-abcdef';
// No slack: a 1 s token is expired a second after it was minted, so the tests wait seconds, not minutes.
const tokens = principalTokens(SECRET, { clockSkewSeconds: 0 });
const alice = { sub: 'alice', role: 'requester' } as const;

let server: NatsServer;
beforeAll(async () => {
  server = await startNatsServer();
});
afterAll(() => server.stop());

/** Resolves once the token's `exp` has passed on this machine's clock (the NATS server's too). */
async function expired(token: string): Promise<void> {
  const exp = decodeJwt(token).exp ?? 0;
  await waitFor(() => Date.now() >= exp * 1000, { timeoutMs: 5_000, what: 'the token to expire' });
  await expect(tokens.verify(token, { enforceExpiry: true })).rejects.toThrow('principal token expired');
}

/** An entry point: verifies the caller as the requests actor does, then answers with a pong. */
function startEntryPoint(name: string, s: ReturnType<typeof testSubjects>) {
  return startActor(
    defineActor({
      name,
      version: '1.0.0',
      handlers: [
        on(s.ping, async (ctx, body) => {
          const caller = await verifyCaller(tokens, ctx, { enforceExpiry: true });
          await ctx.publish(s.pong, { n: body.n, by: caller.sub });
          return undefined;
        }),
      ],
    }),
    { config: testConfig(server.url), log: silentLog },
  );
}

describe('runtime - an entry point judges the principal token at the time the message was stored', () => {
  it('processes a command whose token expired while it waited in the stream for a consumer', async () => {
    const token = freshName();
    const s = testSubjects(token);
    const name = `entry-${token}`;
    const pongs = await collect(server.url, s.pong);
    const dlq = await collect(server.url, subject(`oo.dlq.${name}`, DeadLetter));
    // Two seconds: `exp` counts whole seconds, so a one-second token minted late in a second could
    // expire before a loaded machine publishes it.
    const principal = await tokens.mint(alice, 2);
    await pongs.handle.publish(s.ping, { n: 1 }, { principal });
    await expired(principal);

    const entry = await startEntryPoint(name, s);
    const [pong] = await pongs.waitFor(1);
    expect(pong?.body).toEqual({ n: 1, by: 'alice' });
    expect(dlq.items).toEqual([]);
    await Promise.all([entry.stop(), pongs.stop(), dlq.stop()]);
  });

  it('dead-letters a command published after its token expired', async () => {
    const token = freshName();
    const s = testSubjects(token);
    const name = `entry-${token}`;
    const pongs = await collect(server.url, s.pong);
    const dlq = await collect(server.url, subject(`oo.dlq.${name}`, DeadLetter));
    const entry = await startEntryPoint(name, s);
    const principal = await tokens.mint(alice, 1);
    await expired(principal);
    await pongs.handle.publish(s.ping, { n: 2 }, { principal });

    const [letter] = await dlq.waitFor(1);
    expect(letter?.body.error).toMatchObject({
      code: 'OO_ERR_AUTH_INVALID',
      message: 'principal token expired',
    });
    expect(letter?.body.deliveries).toBe(1);
    expect(pongs.items).toEqual([]);
    await Promise.all([entry.stop(), pongs.stop(), dlq.stop()]);
  });
});

describe('runtime - principal token times and clock skew', () => {
  const skewed = principalTokens(SECRET, { clockSkewSeconds: 30 });

  it('accepts a token judged up to the clock skew after its expiry, and refuses it beyond', async () => {
    const token = await skewed.mint(alice, 60);
    const exp = (decodeJwt(token).exp ?? 0) * 1000;
    await expect(skewed.verify(token, { enforceExpiry: true, at: exp + 20_000 })).resolves.toEqual(alice);
    await expect(skewed.verify(token, { enforceExpiry: true, at: exp + 31_000 })).rejects.toThrow(
      'principal token expired',
    );
  });

  it('refuses a token issued after the instant it is judged at, beyond the clock skew', async () => {
    const token = await skewed.mint(alice, 600);
    const iat = (decodeJwt(token).iat ?? 0) * 1000;
    await expect(skewed.verify(token, { enforceExpiry: true, at: iat - 20_000 })).resolves.toEqual(alice);
    await expect(skewed.verify(token, { enforceExpiry: true, at: iat - 31_000 })).rejects.toThrow(
      'issued after the message was stored',
    );
  });

  it('checks only the signature when expiry is not enforced', async () => {
    const token = await skewed.mint(alice, 1);
    const exp = (decodeJwt(token).exp ?? 0) * 1000;
    await expect(skewed.verify(token, { at: exp + 86_400_000 })).resolves.toEqual(alice);
    const forged = await principalTokens(`${SECRET}-not-ours`).mint(alice);
    await expect(skewed.verify(forged)).rejects.toThrow('principal token is not valid');
  });
});
