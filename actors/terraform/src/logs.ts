/**
 * Plans, applies and their logs (tfe-api.md §6). A log is read from the phase's pre-signed
 * `log-read-url` (no auth) with `offset`/`limit` in bytes; the stream starts with STX (0x02) and ends
 * with ETX (0x03) once the phase is final (go-tfe `logreader.go`).
 */
import { OoError } from '@oo/contracts';
import { z } from 'zod';
import type { Transport } from './http-transport.js';
import { attributes, type ResourceObject, single } from './json-api.js';
import type { CallOptions } from './types.js';

const STX = 0x02;
const ETX = 0x03;
export const DEFAULT_LOG_CHUNK_BYTES = 64 * 1024;

export type TfePhaseStatus =
  | 'pending'
  | 'managed_queued'
  | 'queued'
  | 'running'
  | 'finished'
  | 'errored'
  | 'canceled'
  | 'unreachable'
  | (string & {});

/** A plan or an apply. */
export interface TfePhase {
  readonly id: string;
  readonly status: TfePhaseStatus;
  readonly resourceAdditions: number;
  readonly resourceChanges: number;
  readonly resourceDestructions: number;
  /** Pre-signed: a credential, never log it. */
  readonly logReadUrl: string | undefined;
}

export interface LogChunk {
  /** Log text of this chunk, without STX/ETX. */
  readonly text: string;
  /** Offset for the next read (bytes of the framed stream). */
  readonly nextOffset: number;
  /** ETX seen: the log is finished. */
  readonly complete: boolean;
}

export type LogSource = { readonly planId: string } | { readonly applyId: string };

const Attributes = z.object({
  status: z.string(),
  'resource-additions': z.number().nullish(),
  'resource-changes': z.number().nullish(),
  'resource-destructions': z.number().nullish(),
  'log-read-url': z.string().nullish(),
});

function toPhase(resource: ResourceObject): TfePhase {
  const a = attributes(resource, Attributes, `a ${resource.type}`);
  return {
    id: resource.id,
    status: a.status,
    resourceAdditions: a['resource-additions'] ?? 0,
    resourceChanges: a['resource-changes'] ?? 0,
    resourceDestructions: a['resource-destructions'] ?? 0,
    logReadUrl: a['log-read-url'] ?? undefined,
  };
}

export async function getPlan(t: Transport, planId: string, options: CallOptions = {}): Promise<TfePhase> {
  const body = await t.api({
    method: 'GET',
    path: `/plans/${encodeURIComponent(planId)}`,
    signal: options.signal,
  });
  return toPhase(single(body, 'plans', 'show plan'));
}

export async function getApply(t: Transport, applyId: string, options: CallOptions = {}): Promise<TfePhase> {
  const body = await t.api({
    method: 'GET',
    path: `/applies/${encodeURIComponent(applyId)}`,
    signal: options.signal,
  });
  return toPhase(single(body, 'applies', 'show apply'));
}

/** One chunk of a log from its pre-signed URL. Retried like any GET; a chunk never splits a character. */
export async function readLogChunk(
  t: Transport,
  logReadUrl: string,
  position: { readonly offset?: number; readonly limit?: number } = {},
  options: CallOptions = {},
): Promise<LogChunk & { readonly bytes: number }> {
  const offset = position.offset ?? 0;
  const url = new URL(logReadUrl);
  url.searchParams.set('offset', String(offset));
  url.searchParams.set('limit', String(position.limit ?? DEFAULT_LOG_CHUNK_BYTES));
  const bytes = await t.readForeign(url.toString(), options.signal);
  const start = offset === 0 && bytes[0] === STX ? 1 : 0;
  const etx = bytes.indexOf(ETX, start);
  const complete = etx >= 0;
  const end = complete ? etx : bytes.length - incompleteUtf8Tail(bytes, start, bytes.length);
  return {
    text: bytes.subarray(start, end).toString('utf8'),
    nextOffset: offset + (complete ? etx + 1 : end),
    complete,
    bytes: bytes.length,
  };
}

/** The phase's log from `offset` (default 0), one chunk. */
export async function readLog(
  t: Transport,
  source: LogSource,
  position: { readonly offset?: number; readonly limit?: number } = {},
  options: CallOptions = {},
): Promise<LogChunk> {
  const { text, nextOffset, complete } = await readLogChunk(
    t,
    await logUrlOf(t, source, options),
    position,
    options,
  );
  return { text, nextOffset, complete };
}

/**
 * Everything logged so far, chunk after chunk; with `tailChars`, only the last that many characters
 * (what an operator needs after a failed plan).
 */
export async function readWholeLog(
  t: Transport,
  source: LogSource,
  options: CallOptions & { readonly tailChars?: number } = {},
): Promise<{ readonly text: string; readonly complete: boolean }> {
  const url = await logUrlOf(t, source, options);
  let text = '';
  for (let offset = 0; ; ) {
    const chunk = await readLogChunk(t, url, { offset, limit: DEFAULT_LOG_CHUNK_BYTES }, options);
    text += chunk.text;
    if (options.tailChars !== undefined && text.length > options.tailChars)
      text = text.slice(-options.tailChars);
    if (chunk.complete || chunk.bytes < DEFAULT_LOG_CHUNK_BYTES) return { text, complete: chunk.complete };
    offset = chunk.nextOffset;
  }
}

async function logUrlOf(t: Transport, source: LogSource, options: CallOptions): Promise<string> {
  const phase =
    'planId' in source
      ? await getPlan(t, source.planId, options)
      : await getApply(t, source.applyId, options);
  if (!phase.logReadUrl) {
    throw new OoError('OO_ERR_TFE_BAD_RESPONSE', `TFE ${phase.id} has no log-read-url`, {
      details: { phaseId: phase.id },
    });
  }
  return phase.logReadUrl;
}

/** Bytes at the end of `bytes[start, end)` that begin a UTF-8 sequence the chunk cut short. */
function incompleteUtf8Tail(bytes: Buffer, start: number, end: number): number {
  for (let i = end - 1; i >= Math.max(start, end - 4); i--) {
    const byte = bytes[i]!;
    if ((byte & 0xc0) === 0x80) continue;
    const length = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return end - i < length ? end - i : 0;
  }
  return 0;
}
