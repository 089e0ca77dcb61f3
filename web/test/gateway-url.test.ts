import { afterEach, describe, expect, it } from 'vitest';
import { gatewayUrl } from '../public/api.js';

const page = (baseURI: string) => {
  (globalThis as { document?: unknown }).document = { baseURI };
};

describe('web - the gateway’s address', () => {
  afterEach(() => {
    delete (globalThis as { document?: unknown }).document;
  });

  it('finds the API beside the UI at the root', () => {
    page('http://127.0.0.1:7070/ui/#/requests');
    expect(gatewayUrl('/v1/me')).toBe('http://127.0.0.1:7070/v1/me');
  });

  it('finds the API under the path a proxy mounts OO at', () => {
    page('https://portal.example/infra/oo/ui/');
    expect(gatewayUrl('/v1/requests?mine=true')).toBe(
      'https://portal.example/infra/oo/v1/requests?mine=true',
    );
  });
});
