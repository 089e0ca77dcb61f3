/**
 * The mail a requester gets: a small plain-text template naming the request id, the trace id, the
 * requester and a one-line summary of the resources. Pure, so the wording is tested without NATS.
 */
import type { ErrorData, ResourceSpec } from '@oo/contracts';
import type { RequestRecord } from './request-records.js';

export type NoticeKind = 'accepted' | 'succeeded' | 'failed' | 'rejected' | 'cancelled';

const HEADLINES: Record<NoticeKind, { subject: string; line: string }> = {
  accepted: { subject: 'accepted', line: 'Your request was accepted and is being carried out.' },
  succeeded: { subject: 'is ready', line: 'Your request is complete: the resources are ready.' },
  failed: {
    subject: 'failed',
    line: 'Your request failed. An operator can rerun it once the cause is fixed.',
  },
  rejected: {
    subject: 'was rejected',
    line: 'Your request was rejected: it is outside what the policy permits. Correct what is listed below and submit it again, or ask an admin to widen the policy.',
  },
  cancelled: { subject: 'was cancelled', line: 'Your request was cancelled.' },
};

const SUMMARY_MAX = 160;

function describe(resource: ResourceSpec): string {
  if (resource.type === 'virtual_machine') {
    const disk = resource.disks.reduce((sum, d) => sum + d.sizeGb, 0);
    const name = resource.hostname ? ` ${resource.hostname}` : '';
    return `${resource.count} x virtual_machine${name} ${resource.os} on ${resource.network}, ${resource.cpu} CPU, ${resource.memoryGb} GB RAM, ${disk} GB disk`;
  }
  return `dns_record ${resource.recordType} ${resource.name}.${resource.zone} -> ${resource.value}`;
}

/** One line of ASCII (so a mail subject stays readable raw), at most 160 characters. */
export function resourceSummary(resources: readonly ResourceSpec[]): string {
  // Free-text fields (a DNS value) must not break the one-line subject.
  const line = resources
    .map(describe)
    .join('; ')
    .replace(/[\r\n\t]+/g, ' ');
  if (line.length <= SUMMARY_MAX) return line;
  return `${line.slice(0, SUMMARY_MAX - 22).trimEnd()}... (${resources.length} resources)`;
}

/** Default recipients first, then the request's own `notify` addresses; each once. */
export function recipients(defaultTo: readonly string[], record: RequestRecord): string[] {
  return [...new Set([...defaultTo, ...(record.body?.notify ?? [])])];
}

export function renderNotice(
  kind: NoticeKind,
  record: RequestRecord,
  error?: ErrorData,
): { subject: string; text: string } {
  const headline = HEADLINES[kind];
  const summary = resourceSummary(record.body?.resources ?? []);
  const rows: Array<[string, string | undefined]> = [
    ['Request ID', record.requestId],
    ['Trace ID', record.traceId],
    ['Requester', record.submittedBy],
    ['Resources', summary],
    ['Managed', record.body && (record.body.managed ? 'yes (Terraform)' : 'no (Ansible)')],
    ['Template', record.template],
    ['Run ID', record.runId],
    ['Request file', record.fileUrl],
    [
      'Rerun of',
      record.rerunOf
        ? `${record.rerunOf.requestId} (${record.rerunOf.mode}, by ${record.rerunBy})`
        : undefined,
    ],
    ['Error', error ? `${error.code}: ${error.message}` : undefined],
  ];
  const width = Math.max(...rows.map(([label]) => label.length)) + 2;
  const table = rows
    .filter((row): row is [string, string] => row[1] !== undefined)
    .map(([label, value]) => `${`${label}:`.padEnd(width)}${value}`);
  const reasons =
    kind === 'rejected' && record.reasons
      ? ['', 'Reasons:', ...record.reasons.map((r) => `- ${r.path}: ${r.message}`)]
      : [];
  return {
    subject: `OO request ${record.requestId} ${headline.subject}: ${summary}`.slice(0, 200),
    text: [
      headline.line,
      '',
      ...table,
      ...reasons,
      '',
      'Quote the request ID or the trace ID when you ask about this request.',
      '',
    ].join('\n'),
  };
}
