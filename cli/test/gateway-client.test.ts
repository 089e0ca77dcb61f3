import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gatewayTarget } from '../src/gateway-client.js';

describe('finding the gateway', () => {
  const none = join(tmpdir(), 'oo-no-up-here');
  it('takes OO_GATEWAY_URL and OO_TOKEN, and refuses a URL carrying credentials or none at all', () => {
    expect(gatewayTarget(none, { OO_GATEWAY_URL: 'http://gw.example:7070/', OO_TOKEN: 't' })).toEqual({
      url: 'http://gw.example:7070',
      token: 't',
    });
    expect(() =>
      gatewayTarget(none, { OO_GATEWAY_URL: 'http://u:secret@gw.example', OO_TOKEN: 't' }),
    ).toThrow(/^OO_GATEWAY_URL must not carry credentials; put the API token in OO_TOKEN$/);
    expect(() => gatewayTarget(none, { OO_GATEWAY_URL: 'gw.example', OO_TOKEN: 't' })).toThrow(
      /is not a URL/,
    );
    expect(() => gatewayTarget(none, { OO_GATEWAY_URL: 'http://gw.example' })).toThrow(
      /^no gateway to call: set OO_GATEWAY_URL and OO_TOKEN/,
    );
  });
});
