import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayBed, startGatewayBed } from './fixtures/gateway-bed.js';

let bed: GatewayBed;
beforeAll(async () => {
  bed = await startGatewayBed();
});
afterAll(async () => {
  await bed?.stop();
});

const get = (path: string) => fetch(`${bed.url}${path}`, { redirect: 'manual' });

describe('gateway - web UI', () => {
  it('sends a browser at / to the UI', async () => {
    const res = await get('/');
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/ui/');
  });

  it('serves the page with a policy that runs only its own scripts', async () => {
    const res = await get('/ui/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await res.text()).toContain('<script type="module" src="app.js"></script>');
  });

  it('serves the modules as JavaScript, without a token', async () => {
    const res = await get('/ui/app.js');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/javascript|^application\/javascript/);
    expect(await res.text()).toContain("from './request-page.js'");
  });

  it('serves nothing from outside the UI folder', async () => {
    for (const path of [
      '/ui/../package.json',
      '/ui/%2e%2e/package.json',
      '/ui/..%2fpackage.json',
      '/ui/nope.js',
    ]) {
      const res = await get(path);
      expect(res.status, path).toBe(404);
      expect(await res.text(), path).not.toContain('"@oo/web"');
    }
  });

  it('leaves the API to its token', async () => {
    const res = await get('/v1/requests');
    expect(res.status).toBe(401);
  });
});
