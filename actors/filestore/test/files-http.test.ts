import { createHash } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { principalTokens } from '@oo/runtime';
import type { NatsServer } from '@oo/test-harness';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type RunningFilestore,
  startFilestore,
  startNatsServer,
  tokens,
} from './fixtures/filestore-server.js';

let server: NatsServer;
let filestore: RunningFilestore;
let auth: { authorization: string };

beforeEach(async () => {
  server = await startNatsServer();
  filestore = await startFilestore(server, 64 * 1024);
  auth = { authorization: `Bearer ${await tokens.mint({ sub: 'rfm', role: 'service' })}` };
});
afterEach(async () => {
  await filestore.actor.stop();
  await server.stop();
});

const sha256 = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex');

function put(path: string, body: string | Uint8Array, headers: Record<string, string> = {}) {
  return fetch(`${filestore.url}/v1/files/${path}`, {
    method: 'PUT',
    body,
    headers: { ...auth, 'content-type': 'application/json', ...headers },
  });
}

/** A request whose path goes out byte for byte (fetch would resolve `..` before sending). */
function rawRequest(
  method: string,
  path: string,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const { hostname, port } = new URL(filestore.url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ method, hostname, port, path, headers: auth }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : {} }));
    });
    req.on('error', reject);
    req.end('{}');
  });
}

describe('filestore - files over HTTP', () => {
  it('serves a PUT file back byte for byte, with its sha256 as ETag', async () => {
    const content = JSON.stringify({ hosts: ['web-1'] });
    const created = await put('uploads/hosts.json', content);
    expect(created.status).toBe(201);
    expect(created.headers.get('etag')).toBe(`"sha256-${sha256(content)}"`);
    const got = await fetch(`${filestore.url}/v1/files/uploads/hosts.json`, { headers: auth });
    expect(got.status).toBe(200);
    expect(await got.text()).toBe(content);
    expect(got.headers.get('etag')).toBe(`"sha256-${sha256(content)}"`);
    expect(got.headers.get('x-content-sha256')).toBe(sha256(content));
    expect(got.headers.get('content-type')).toBe('application/json');
  });

  it('answers a PUT with what it stored', async () => {
    const content = new Uint8Array([0, 1, 2, 255]);
    const created = await put('uploads/blob.bin', content, { 'content-type': 'application/octet-stream' });
    expect(await created.json()).toMatchObject({
      path: 'uploads/blob.bin',
      size: 4,
      sha256: sha256(content),
    });
    expect(created.headers.get('location')).toBe('/v1/files/uploads/blob.bin');
  });

  it('answers 200, not 201, when a PUT replaces a file', async () => {
    await put('a.json', '{"v":1}');
    const replaced = await put('a.json', '{"v":2}');
    expect(replaced.status).toBe(200);
    expect(replaced.headers.get('etag')).toBe(`"sha256-${sha256('{"v":2}')}"`);
  });

  it('answers 304 without a body when If-None-Match names the current ETag', async () => {
    const etag = (await put('cached.json', '{}')).headers.get('etag') ?? '';
    const got = await fetch(`${filestore.url}/v1/files/cached.json`, {
      headers: { ...auth, 'if-none-match': `"sha256-other", ${etag}` },
    });
    expect(got.status).toBe(304);
    expect(got.headers.get('etag')).toBe(etag);
    expect(await got.text()).toBe('');
  });

  it('answers HEAD with the headers of GET and no body', async () => {
    const content = '{"hello":"world"}';
    await put('head.json', content);
    const head = await fetch(`${filestore.url}/v1/files/head.json`, { method: 'HEAD', headers: auth });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(content.length));
    expect(head.headers.get('x-content-sha256')).toBe(sha256(content));
    expect(await head.text()).toBe('');
  });

  it('answers 404 problem+json for a file never stored', async () => {
    const got = await fetch(`${filestore.url}/v1/files/nothing/here.json`, { headers: auth });
    expect(got.status).toBe(404);
    expect(got.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await got.json()).toMatchObject({ status: 404, code: 'OO_ERR_FILESTORE_NOT_FOUND' });
  });

  it('refuses a file larger than maxBytes with 413 problem+json', async () => {
    const refused = await put('big.bin', new Uint8Array(64 * 1024 + 1));
    expect(refused.status).toBe(413);
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await refused.json()).toMatchObject({ code: 'OO_ERR_FILESTORE_TOO_LARGE', maxBytes: 64 * 1024 });
  });

  it('refuses a call without a bearer token with 401 and nothing stored', async () => {
    const refused = await fetch(`${filestore.url}/v1/files/anon.json`, { method: 'PUT', body: '{}' });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toBe('Bearer');
    expect(await refused.json()).toMatchObject({ code: 'OO_ERR_AUTH_MISSING', status: 401 });
    expect((await fetch(`${filestore.url}/v1/files/anon.json`, { headers: auth })).status).toBe(404);
  });

  it('refuses a token signed with another key with 401', async () => {
    const forged = await principalTokens('another-secret-another-secret-another').mint({
      sub: 'x',
      role: 'admin',
    });
    const refused = await fetch(`${filestore.url}/v1/files/a.json`, {
      headers: { authorization: `Bearer ${forged}` },
    });
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ code: 'OO_ERR_AUTH_INVALID' });
  });

  it.each([
    ['a path climbing out with ..', '/v1/files/requests/../../etc/passwd', 'no-dot-segments'],
    ['an encoded ..', '/v1/files/requests/%2e%2e/%2e%2e/etc/passwd', 'no-dot-segments'],
    ['an encoded slash climbing out', '/v1/files/..%2fsecrets.json', 'no-dot-segments'],
    ['a hidden name', '/v1/files/requests/.env', 'no-hidden-names'],
    ['a backslash', '/v1/files/requests%5c..%5cwin.ini', 'no-backslash'],
    ['a NUL byte', '/v1/files/a%00.json', 'no-control-characters'],
    ['an empty segment', '/v1/files/requests//a.json', 'no-empty-segments'],
    ['a space', '/v1/files/my%20file.json', 'safe-characters'],
  ])('refuses %s with 400 naming the rule', async (_what, path, rule) => {
    const refused = await rawRequest('PUT', path);
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ code: 'OO_ERR_FILESTORE_PATH_INVALID', rule });
  });

  it('refuses a PUT under requests/, where OO keeps the request files it writes, with 403', async () => {
    const refused = await rawRequest('PUT', '/v1/files/requests/req_1.json');
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ code: 'OO_ERR_FILESTORE_READ_ONLY', path: 'requests/req_1.json' });
    const got = await fetch(`${filestore.url}/v1/files/requests/req_1.json`, { headers: auth });
    expect(got.status).toBe(404);
  });

  it('keeps a file across a restart of the actor', async () => {
    const content = '{"kept":true}';
    await put('uploads/kept.json', content);
    await filestore.actor.stop();
    filestore = await startFilestore(server);
    const got = await fetch(`${filestore.url}/v1/files/uploads/kept.json`, { headers: auth });
    expect(got.status).toBe(200);
    expect(await got.text()).toBe(content);
  });
});
