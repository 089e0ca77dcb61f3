/**
 * The request file, fetched from the file store (`GET <fileUrl>` with a bearer principal token) and
 * validated again: RFM trusts nothing it did not check itself.
 */
import { RequestBody, schemaReasons } from '@oo/contracts';
import type { TaskHttp } from '@oo/runtime';
import { z } from 'zod';
import { rfmError } from './rfm-errors.js';

export const RequestFile = z.looseObject({
  requestId: z.string().min(1),
  traceId: z.string().min(1),
  submittedBy: z.string().min(1),
  submittedAt: z.iso.datetime({ offset: true }),
  body: RequestBody,
});
export type RequestFile = z.infer<typeof RequestFile>;

/** Parses and checks a request file's bytes. Throws OO_ERR_RFM_REQUEST_FILE_INVALID naming every field. */
export function parseRequestFile(text: string, requestId: string): RequestFile {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw rfmError('OO_ERR_RFM_REQUEST_FILE_INVALID', `request file of ${requestId} is not JSON`, {
      reasons: [{ path: '(root)', message: 'is not JSON' }],
    });
  }
  const parsed = RequestFile.safeParse(raw);
  if (!parsed.success) {
    const reasons = schemaReasons(parsed.error);
    throw rfmError(
      'OO_ERR_RFM_REQUEST_FILE_INVALID',
      `request file of ${requestId} is invalid: ${reasons.map((r) => `${r.path}: ${r.message}`).join('; ')}`,
      { reasons },
    );
  }
  if (parsed.data.requestId !== requestId) {
    throw rfmError(
      'OO_ERR_RFM_REQUEST_FILE_INVALID',
      `request file belongs to ${parsed.data.requestId}, not ${requestId}`,
      {
        reasons: [{ path: 'requestId', message: `is ${parsed.data.requestId}, expected ${requestId}` }],
      },
    );
  }
  return parsed.data;
}

/**
 * Fetches and parses the request file. Throws OO_ERR_RFM_REQUEST_FILE_MISSING (404),
 * OO_ERR_RFM_REQUEST_FILE_UNAVAILABLE (retryable: unreachable, 5xx, 401/403 from a key mismatch
 * during a rollout) or OO_ERR_RFM_REQUEST_FILE_INVALID.
 */
export async function fetchRequestFile(
  http: TaskHttp,
  fileUrl: string,
  token: string,
  requestId: string,
): Promise<RequestFile> {
  let response: Response;
  try {
    response = await http.fetch(fileUrl, {
      headers: { authorization: `Bearer ${token}` },
      timeoutMs: 15_000,
    });
  } catch (err) {
    throw rfmError(
      'OO_ERR_RFM_REQUEST_FILE_UNAVAILABLE',
      `request file of ${requestId}: ${(err as Error).message}`,
      undefined,
      err,
    );
  }
  if (response.status === 404) {
    await response.body?.cancel();
    throw rfmError('OO_ERR_RFM_REQUEST_FILE_MISSING', `the file store has no request file for ${requestId}`);
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw rfmError(
      'OO_ERR_RFM_REQUEST_FILE_UNAVAILABLE',
      `request file of ${requestId}: HTTP ${response.status}`,
      {
        status: response.status,
      },
    );
  }
  return parseRequestFile(await response.text(), requestId);
}
