/**
 * The client address failed authentications count against (`request.ip`), over real sockets from
 * 127.0.0.1: the TCP peer's unless `trustProxy` names that peer as a proxy, and then the client the
 * proxy appended to X-Forwarded-For.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayOptions } from '../src/index.js';
import { type GatewayBed, startGatewayBed } from './fixtures/gateway-bed.js';

let bed: GatewayBed;
beforeAll(async () => {
  bed = await startGatewayBed();
});
afterAll(async () => {
  await bed?.stop();
});

/** A gateway of its own that refuses an address after two failed authentications in a minute. */
async function withLimitOfTwo(
  trustProxy: GatewayOptions['trustProxy'],
  test: (gateway: {
    /** GET /v1/catalog sent with this X-Forwarded-For and a token the gateway refuses (401). */
    fail(forwardedFor: string): Promise<void>;
    /** The status of GET /v1/catalog sent with this X-Forwarded-For and Alice's valid token. */
    asAlice(forwardedFor: string): Promise<number>;
  }) => Promise<void>,
) {
  const gateway = await bed.another({ authFailuresPerMinute: 2, trustProxy });
  const get = (forwardedFor: string, authorization: string) =>
    fetch(`${gateway.listening.url}/v1/catalog`, {
      headers: { authorization, 'x-forwarded-for': forwardedFor },
    });
  try {
    await test({
      async fail(forwardedFor) {
        expect((await get(forwardedFor, 'Bearer not-a-token')).status).toBe(401);
      },
      asAlice: async (forwardedFor) => (await get(forwardedFor, `Bearer ${bed.secrets.alice}`)).status,
    });
  } finally {
    await gateway.stop();
  }
}

describe('gateway - client address behind a reverse proxy', () => {
  it('ignores X-Forwarded-For by default: failures count against the socket, whatever they claim', () =>
    withLimitOfTwo(undefined, async (gateway) => {
      await gateway.fail('198.51.100.1');
      await gateway.fail('198.51.100.2');
      expect(await gateway.asAlice('198.51.100.3')).toBe(429);
    }));

  it('counts failures per forwarded client when the peer is a trusted proxy', () =>
    withLimitOfTwo(['127.0.0.1'], async (gateway) => {
      await gateway.fail('198.51.100.1');
      await gateway.fail('198.51.100.1');
      expect(await gateway.asAlice('198.51.100.1')).toBe(429);
      expect(await gateway.asAlice('198.51.100.2')).toBe(200);
    }));

  it('takes the address the proxy appended, not ones a client wrote in front of it', () =>
    withLimitOfTwo(['127.0.0.1'], async (gateway) => {
      await gateway.fail('203.0.113.1, 198.51.100.1');
      await gateway.fail('203.0.113.2, 198.51.100.1');
      expect(await gateway.asAlice('203.0.113.3, 198.51.100.1')).toBe(429);
      expect(await gateway.asAlice('203.0.113.1, 198.51.100.2')).toBe(200);
    }));

  it('ignores X-Forwarded-For from a peer that is not one of the trusted proxies', () =>
    withLimitOfTwo(['192.0.2.1', '10.0.0.0/8'], async (gateway) => {
      await gateway.fail('198.51.100.1');
      await gateway.fail('198.51.100.2');
      expect(await gateway.asAlice('198.51.100.3')).toBe(429);
    }));

  it('with trustProxy true, takes the first forwarded address, whoever wrote it', () =>
    withLimitOfTwo(true, async (gateway) => {
      await gateway.fail('198.51.100.1, 203.0.113.9');
      await gateway.fail('198.51.100.1');
      expect(await gateway.asAlice('198.51.100.1')).toBe(429);
      expect(await gateway.asAlice('198.51.100.2, 203.0.113.9')).toBe(200);
    }));
});
