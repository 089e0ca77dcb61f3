/**
 * A new request's record: validated, routed to its template, and given its run id and file URL —
 * or rejected with every reason. Creating this record is the commit point of a submit or rerun.
 */
import { newId, type RequestBody } from '@oo/contracts';
import { requestFileUrl } from './request-messages.js';
import type { RequestRecord, RerunOf } from './request-records.js';
import type { RequestRules } from './request-validation.js';
import { validateRequest } from './request-validation.js';

export interface Intake {
  readonly requestId: string;
  readonly traceId: string;
  readonly submittedBy: string;
  readonly submittedAt: string;
  readonly body: RequestBody;
  readonly rerunOf?: RerunOf;
  readonly rerunBy?: string;
}

export function intakeRecord(rules: RequestRules, filestoreUrl: string, intake: Intake): RequestRecord {
  const validation = validateRequest(intake.body, rules);
  if (!validation.ok) {
    return { ...intake, status: 'rejected', reasons: validation.reasons, dispatched: false };
  }
  return {
    ...intake,
    status: 'accepted',
    template: validation.template,
    runId: newId('run'),
    fileUrl: requestFileUrl(filestoreUrl, intake.requestId),
    dispatched: false,
  };
}
