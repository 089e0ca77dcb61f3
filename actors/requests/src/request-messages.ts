/**
 * What the request path writes about a request, built from its record: the request file, the
 * request events, the run start. Pure and deterministic, so a repeated dispatch writes the same bytes.
 */
import {
  type ErrorData,
  REQUEST_FILES_PREFIX,
  type RequestBody,
  type RequestEvent,
  type RequestStatus,
  type StartRun,
} from '@oo/contracts';
import { isRequestId } from './request-ids.js';
import type { RequestRecord } from './request-records.js';

const FILE_SUFFIX = '.json';

/** Object name of a request's file in the `files` store. */
export function requestFileName(requestId: string): string {
  return `${REQUEST_FILES_PREFIX}${requestId}${FILE_SUFFIX}`;
}

/**
 * The request whose file `name` is; undefined for a name under the requests' prefix that no request
 * file has (something put there by hand), and for one outside it.
 */
export function requestIdOfFile(name: string): string | undefined {
  if (!name.startsWith(REQUEST_FILES_PREFIX) || !name.endsWith(FILE_SUFFIX)) return undefined;
  const requestId = name.slice(REQUEST_FILES_PREFIX.length, -FILE_SUFFIX.length);
  return isRequestId(requestId) ? requestId : undefined;
}

export function requestFileUrl(filestoreUrl: string, requestId: string): string {
  return `${filestoreUrl.replace(/\/+$/, '')}/v1/files/${requestFileName(requestId)}`;
}

/** The request file the resource handlers read: who asked what, when, in which trace. */
export function requestFile(record: RequestRecord & { body: RequestBody }): Uint8Array {
  const file = {
    requestId: record.requestId,
    traceId: record.traceId,
    submittedBy: record.submittedBy,
    submittedAt: record.submittedAt,
    ...(record.rerunOf ? { rerunOf: record.rerunOf.requestId, rerunBy: record.rerunBy } : {}),
    body: record.body,
  };
  return new TextEncoder().encode(`${JSON.stringify(file, null, 2)}\n`);
}

export function requestEvent(
  record: RequestRecord,
  status: RequestStatus,
  at: string,
  outcome: { output?: unknown; error?: ErrorData | undefined } = {},
): RequestEvent {
  const withBody = (status === 'accepted' || status === 'rejected') && record.body !== undefined;
  return {
    requestId: record.requestId,
    traceId: record.traceId,
    status,
    submittedBy: record.submittedBy,
    ...(withBody ? { body: record.body } : {}),
    ...(record.template ? { template: record.template } : {}),
    ...(record.runId ? { runId: record.runId } : {}),
    ...(record.fileUrl ? { fileUrl: record.fileUrl } : {}),
    ...(record.rerunOf ? { rerunOf: record.rerunOf.requestId } : {}),
    ...(status === 'rejected' && record.reasons ? { reasons: record.reasons } : {}),
    ...(outcome.output === undefined ? {} : { output: outcome.output }),
    ...(outcome.error ? { error: outcome.error } : {}),
    at,
  };
}

/** The run that carries out an accepted request. */
export function startRun(
  record: RequestRecord & { runId: string; template: string; fileUrl: string; body: RequestBody },
): StartRun {
  return {
    runId: record.runId,
    template: record.template,
    input: {
      requestId: record.requestId,
      fileUrl: record.fileUrl,
      resources: record.body.resources,
      managed: record.body.managed,
      submittedBy: record.submittedBy,
    },
    requestId: record.requestId,
    ...(record.rerunOf ? { rerunOf: { runId: record.rerunOf.runId, mode: record.rerunOf.mode } } : {}),
  };
}
