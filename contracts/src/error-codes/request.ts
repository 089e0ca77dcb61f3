import type { ErrorSpec } from '../error-spec.js';

/** Error codes of the request area. Merged into ErrorRegistry in errors.ts. */
export const RequestErrors = {
  OO_ERR_REQUEST_NOT_FOUND: {
    meaning:
      'No request with this id is known to the requests actor: never taken in, or its record was removed `requests.keepEndedRequestsMs` (30 days by default) after it ended.',
    retryable: false,
    http: 404,
    fix: 'Check the request id (req_…) in the 202 answer or the notice mail; a request that ended longer ago than it is kept cannot be rerun: submit it again.',
  },
  OO_ERR_REQUEST_RERUN_EXPIRED: {
    meaning:
      'The request ended longer ago than the requests actor keeps its record (`requests.keepEndedRequestsMs`, 30 days by default), and a rerun needs that record.',
    retryable: false,
    http: 410,
    fix: 'Submit the request again as a new one; its body is in GET /v1/requests/{id}.',
  },
  OO_ERR_REQUEST_NOT_STARTED: {
    meaning:
      'The request was accepted, but its run start never went out (its handler died or its command was dead-lettered) and it was found only after the engine stops keeping runs (`engine.keepEndedRunsMs`): a start sent then might have run already, its trace gone, so the run was not started and the request ended failed.',
    retryable: false,
    fix: 'Check whether the resource exists already (the request id is in the trace and the git history); if not, rerun the request with mode restart.',
  },
  OO_ERR_REQUEST_STATE: {
    meaning:
      'The request is in a state that does not allow this action: a rerun of a request still in progress or rejected before it ran, a cancel of a request that never started a run.',
    retryable: false,
    http: 409,
    fix: 'Wait until the request has ended before a rerun; submit a request rejected before it ran again instead (one its run rejected can be rerun, e.g. once the policy allows it).',
  },
} as const satisfies Record<string, ErrorSpec>;
