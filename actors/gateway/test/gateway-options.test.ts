/** The gateway's options: what `gatewayActor` and `oo`'s `gateway` section take, and what they refuse. */
import type { ReadModel } from '@oo/read-model';
import { describe, expect, it } from 'vitest';
import { GatewayConfig } from '../src/gateway-options.js';
import { type GatewayOptions, gatewayActor } from '../src/index.js';

/** Enough of a read model for the options to pass; the actor is never started. */
const readModel = { getRequest: async () => undefined } as unknown as ReadModel;

describe('gateway options - trustProxy', () => {
  it('trusts no X-Forwarded-For by default', () => {
    expect(GatewayConfig.parse({}).trustProxy).toBe(false);
  });

  it.each([
    [true, true],
    [
      ['127.0.0.1', '::1', '10.0.0.0/8', '2001:db8::/32', 'loopback'],
      ['127.0.0.1', '::1', '10.0.0.0/8', '2001:db8::/32', 'loopback'],
    ],
    // As an OO__ variable gives a value that is not JSON.
    ['10.0.0.1, 10.0.0.0/8', ['10.0.0.1', '10.0.0.0/8']],
  ])('takes %j as %j', (value, parsed) => {
    expect(GatewayConfig.parse({ trustProxy: value }).trustProxy).toEqual(parsed);
  });

  it.each([
    [2, /gateway\.trustProxy: a hop count is not accepted/],
    [['10.0.0.1', '10.0.0.300'], /gateway\.trustProxy\.1: "10\.0\.0\.300" is not an IP address/],
    [
      ['10.0.0.0/0'],
      /gateway\.trustProxy\.0: "10\.0\.0\.0\/0" is not an IP address, a CIDR range \(\/1 or longer\)/,
    ],
    ['proxy.example', /gateway\.trustProxy\.0: "proxy\.example" is not an IP address/],
    [[], /gateway\.trustProxy: name at least one proxy address, or set false/],
    [null, /gateway\.trustProxy: must be false, true or the proxies' addresses/],
  ])('refuses %j with OO_ERR_CONFIG_INVALID naming the key and the rule', (value, message) => {
    const start = () =>
      gatewayActor({ port: 0, readModel, trustProxy: value as GatewayOptions['trustProxy'] });
    expect(start).toThrow(expect.objectContaining({ code: 'OO_ERR_CONFIG_INVALID' }));
    expect(start).toThrow(message);
  });
});

describe('gateway options - traceUrl', () => {
  it('takes a trace viewer URL holding {traceId}', () => {
    const traceUrl = 'http://127.0.0.1:16686/trace/{traceId}';
    expect(GatewayConfig.parse({ traceUrl }).traceUrl).toBe(traceUrl);
  });

  it.each(['http://127.0.0.1:16686/trace/', 'javascript:alert({traceId})', 'ftp://jaeger/{traceId}'])(
    'refuses %j naming the key and the rule',
    (traceUrl) => {
      const start = () => gatewayActor({ port: 0, readModel, traceUrl });
      expect(start).toThrow(expect.objectContaining({ code: 'OO_ERR_CONFIG_INVALID' }));
      expect(start).toThrow(/gateway\.traceUrl: must be an http\(s\) URL holding \{traceId\}/);
    },
  );
});

describe('gateway options - inventory', () => {
  it('takes a file or vCenter, with defaults for the cache and the timeout', () => {
    expect(GatewayConfig.parse({ inventory: { file: '/etc/oo/inventory.json' } }).inventory).toEqual({
      file: '/etc/oo/inventory.json',
      cacheMs: 60_000,
    });
    const vcenter = { url: 'https://vc.example', username: 'ro@vsphere.local', password: 'pw' };
    expect(GatewayConfig.parse({ inventory: { vcenter } }).inventory).toEqual({
      vcenter: { ...vcenter, timeoutMs: 10_000 },
      cacheMs: 60_000,
    });
  });

  it.each([
    [{}, /gateway\.inventory: set either file or vcenter \(one source\)/],
    [
      { file: '/x.json', vcenter: { url: 'https://vc.example', username: 'u', password: 'p' } },
      /gateway\.inventory: set either file or vcenter/,
    ],
    [{ vcenter: { url: 'https://vc.example', username: 'u' } }, /gateway\.inventory\.vcenter\.password: /],
    [{ vcenter: { url: 'vc.example', username: 'u', password: 'p' } }, /gateway\.inventory\.vcenter\.url: /],
    [{ file: '/x.json', cacheMs: -1 }, /gateway\.inventory\.cacheMs: /],
  ])('refuses %j naming the key', (inventory, message) => {
    const start = () =>
      gatewayActor({ port: 0, readModel, inventory: inventory as GatewayOptions['inventory'] });
    expect(start).toThrow(expect.objectContaining({ code: 'OO_ERR_CONFIG_INVALID' }));
    expect(start).toThrow(message);
  });
});
