/**
 * What the request path writes about a request, built from its record: the request file, the
 * request events, the run start. Pure and deterministic, so a repeated dispatch writes the same bytes.
 */
import type { ErrorData, RequestBody, RequestEvent, RequestStatus, StartRun } from '@oo/contracts';
import type { RequestRecord } from './request-records.js';

/** Object name of a request's file in the `files` store. */
export function requestFileName(requestId: string): string {
  return `requests/${requestId}.json`;
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
