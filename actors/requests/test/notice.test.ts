import { RequestBody } from '@oo/contracts';
import { describe, expect, it } from 'vitest';
import { recipients, renderNotice, resourceSummary } from '../src/notice.js';
import type { RequestRecord } from '../src/request-records.js';

const vm = {
  type: 'virtual_machine',
  os: 'rhel9',
  network: 'INTRANET_DEV',
  cpu: 2,
  memoryGb: 8,
  disks: [{ sizeGb: 100 }, { sizeGb: 20 }],
} as const;

const record = {
  requestId: 'req_01HX',
  traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
  submittedBy: 'alice',
  submittedAt: '2025-01-01T00:00:00.000Z',
  body: RequestBody.parse({ resources: [vm], notify: ['alice@example.com', 'ops@example.com'] }),
  status: 'accepted',
  template: 'vm-unmanaged',
  runId: 'run_01HX',
  fileUrl: 'http://files/v1/files/requests/req_01HX.json',
  dispatched: false,
} satisfies RequestRecord;

describe('requests - notice', () => {
  it('names request id, trace id, requester and the resources in the text', () => {
    const { text } = renderNotice('accepted', record);
    expect(text).toMatch(/^Request ID: +req_01HX$/m);
    expect(text).toMatch(/^Trace ID: +4bf92f3577b34da6a3ce929d0e0e4736$/m);
    expect(text).toMatch(/^Requester: +alice$/m);
    expect(text).toContain('1 x virtual_machine rhel9 on INTRANET_DEV, 2 CPU, 8 GB RAM, 120 GB disk');
  });

  it('puts the request id, the outcome and the summary in the subject', () => {
    expect(renderNotice('succeeded', record).subject).toBe(
      'OO request req_01HX is ready: 1 x virtual_machine rhel9 on INTRANET_DEV, 2 CPU, 8 GB RAM, 120 GB disk',
    );
  });

  it('lists every reason of a request its run rejected', () => {
    const reasons = [
      { path: 'resources.0.cpu', message: 'must be at most 1' },
      { path: 'resources.0.network', message: 'network "NOWHERE" does not exist' },
    ];
    const { subject, text } = renderNotice('rejected', { ...record, status: 'rejected', reasons });
    expect(subject).toMatch(/^OO request req_01HX was rejected: /);
    expect(text).toContain(
      'Reasons:\n- resources.0.cpu: must be at most 1\n- resources.0.network: network "NOWHERE" does not exist',
    );
  });

  it('states the error of a failed request', () => {
    const { text } = renderNotice('failed', record, {
      code: 'OO_ERR_TIMEOUT',
      message: 'too slow',
      retryable: true,
    });
    expect(text).toMatch(/^Error: +OO_ERR_TIMEOUT: too slow$/m);
  });

  it('keeps the summary of many resources to one short line', () => {
    const summary = resourceSummary(
      Array.from({ length: 20 }, () => RequestBody.parse({ resources: [vm] }).resources[0]!),
    );
    expect(summary.length).toBeLessThanOrEqual(160);
    expect(summary).toMatch(/\.\.\. \(20 resources\)$/);
  });

  it('keeps a DNS value with line breaks out of the one-line subject', () => {
    const dns = {
      type: 'dns_record',
      zone: 'z',
      name: 'www',
      recordType: 'CNAME',
      value: 'a\r\nBcc: x@y',
      ttl: 60,
    } as const;
    expect(
      renderNotice('accepted', { ...record, body: { ...record.body, resources: [dns] } }).subject,
    ).not.toMatch(/[\r\n]/);
  });

  it('sends to the configured addresses and the request addresses, each once', () => {
    expect(recipients(['ops@example.com'], record)).toEqual(['ops@example.com', 'alice@example.com']);
  });
});
