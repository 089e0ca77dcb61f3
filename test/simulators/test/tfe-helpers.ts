/**
 * Helpers for the TFE simulator tests: a raw HTTP caller (no client library, so the protocol itself
 * is what is tested), tarballs made with node-tar, and polling for state the server changes on its
 * own clock.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { create } from 'tar';
import type { TfeSimulator } from '../src/index.js';

export interface Resource {
  id: string;
  type: string;
  attributes: Record<string, unknown>;
  relationships?: Record<string, { data: { id: string; type: string } | null }>;
  links: { self: string };
}
export interface Doc {
  data: Resource;
  included?: Resource[];
}
export interface ListDoc {
  data: Resource[];
  included?: Resource[];
  links: Record<string, string | null>;
  meta: { pagination: Record<string, number | null> };
}
export interface ErrorDoc {
  errors: { status: string | number; title: string; detail?: string; source?: { pointer: string } }[];
}

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json<T>(): T;
}

export async function call(
  url: string,
  init: { method?: string; token?: string | undefined; body?: unknown; raw?: Uint8Array } = {},
): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (init.token !== undefined) headers.authorization = `Bearer ${init.token}`;
  if (init.body !== undefined) headers['content-type'] = 'application/vnd.api+json';
  if (init.raw !== undefined) headers['content-type'] = 'application/octet-stream';
  const res = await fetch(url, {
    method: init.method ?? 'GET',
    headers,
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
    ...(init.raw !== undefined ? { body: init.raw } : {}),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: <T>() => JSON.parse(text) as T };
}

/** Calls under `/api/v2` with the simulator's token, another one, or none (`null`). */
export function apiOf(sim: TfeSimulator, tokenOrNone: string | null = sim.token) {
  const at = (path: string) => `${sim.url}/api/v2${path}`;
  const token = tokenOrNone ?? undefined;
  return {
    get: (path: string) => call(at(path), { token }),
    post: (path: string, body?: unknown) => call(at(path), { method: 'POST', token, body }),
    patch: (path: string, body: unknown) => call(at(path), { method: 'PATCH', token, body }),
    delete: (path: string) => call(at(path), { method: 'DELETE', token }),
  };
}
export type Api = ReturnType<typeof apiOf>;

/** A `.tar.gz` of `files` whose root is the module, as `tar -zcf x.tgz -C dir .` makes it. */
export async function tarball(files: Record<string, string>): Promise<Buffer> {
  const dir = await mkdtemp(join(tmpdir(), 'tfe-sim-'));
  try {
    for (const [name, content] of Object.entries(files)) await writeFile(join(dir, name), content);
    const out = join(dir, '..', `${dir.split('/').pop()}.tgz`);
    await create({ gzip: true, cwd: dir, file: out }, Object.keys(files));
    const bytes = await readFile(out);
    await rm(out);
    return bytes;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export const MODULE = {
  'main.tf': 'resource "null_resource" "vm" {}\n',
  'variables.tf': 'variable "vm_name" { type = string }\n',
};

/** Reads until `done(value)`, every 10 ms, for at most `timeoutMs`. */
export async function eventually<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 5_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`condition not reached within ${timeoutMs} ms: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export async function createWorkspace(api: Api, name: string, attributes: Record<string, unknown> = {}) {
  const res = await api.post('/organizations/oo/workspaces', {
    data: { type: 'workspaces', attributes: { name, ...attributes } },
  });
  if (res.status !== 201) throw new Error(`workspace create answered ${res.status}: ${res.text}`);
  return res.json<Doc>().data;
}

export async function createConfigurationVersion(api: Api, workspaceId: string, autoQueueRuns: boolean) {
  const res = await api.post(`/workspaces/${workspaceId}/configuration-versions`, {
    data: { type: 'configuration-versions', attributes: { 'auto-queue-runs': autoQueueRuns } },
  });
  if (res.status !== 201) throw new Error(`CV create answered ${res.status}: ${res.text}`);
  const data = res.json<Doc>().data;
  return { id: data.id, uploadUrl: data.attributes['upload-url'] as string, resource: data };
}

export function upload(uploadUrl: string, bytes: Uint8Array): Promise<Answer> {
  return call(uploadUrl, { method: 'PUT', raw: bytes });
}

export function createRun(api: Api, workspaceId: string, attributes: Record<string, unknown> = {}) {
  return api.post('/runs', {
    data: {
      type: 'runs',
      attributes,
      relationships: { workspace: { data: { type: 'workspaces', id: workspaceId } } },
    },
  });
}

/** A workspace with an uploaded configuration (one manual tick processes the upload). */
export async function readyWorkspace(
  sim: TfeSimulator,
  name: string,
  attributes: Record<string, unknown> = {},
) {
  const api = apiOf(sim);
  const ws = await createWorkspace(api, name, attributes);
  const cv = await createConfigurationVersion(api, ws.id, false);
  await upload(cv.uploadUrl, await tarball(MODULE));
  sim.control.tick();
  const status = (await api.get(`/configuration-versions/${cv.id}`)).json<Doc>().data.attributes.status;
  if (status !== 'uploaded') throw new Error(`configuration version is ${String(status)}`);
  return ws;
}

export async function runStatus(api: Api, runId: string): Promise<Resource> {
  return (await api.get(`/runs/${runId}`)).json<Doc>().data;
}
