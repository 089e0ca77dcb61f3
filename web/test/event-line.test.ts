import { describe, expect, it } from 'vitest';
import { resourceSummary } from '../public/request-list.js';
import { eventLine } from '../public/request-page.js';

describe('web - what a request and its events read as', () => {
  it('tells a failed task attempt with its error and its retry', () => {
    const line = eventLine('task', {
      taskKey: 'launch',
      type: 'awx.launch',
      status: 'failed',
      attempt: 2,
      retryAt: '2026-11-27T10:00:00.000Z',
      error: { code: 'OO_ERR_AWX_UNAVAILABLE', message: 'AWX answered 503' },
    });
    expect(line).toMatch(
      /^task launch \(awx\.launch\) failed, attempt 2, retry at .+: AWX answered 503 \(OO_ERR_AWX_UNAVAILABLE\)$/,
    );
  });

  it('names no attempt for a task never dispatched itself (a forEach as a whole)', () => {
    const line = eventLine('task', {
      taskKey: 'build',
      type: 'workflow.run',
      status: 'succeeded',
      attempt: 0,
    });
    expect(line).toBe('task build (workflow.run) succeeded');
  });

  it('tells runs and requests by their status', () => {
    expect(eventLine('run', { template: 'vm-unmanaged', version: 3, status: 'running' })).toBe(
      'run vm-unmanaged v3 running',
    );
    expect(eventLine('request', { status: 'succeeded' })).toBe('request succeeded');
  });

  it('sums up what was asked for', () => {
    expect(
      resourceSummary([
        { type: 'virtual_machine', os: 'rhel9', network: 'INTRANET_DEV', cpu: 2, memoryGb: 8, count: 3 },
        { type: 'dns_record', recordType: 'A', name: 'web', zone: 'intranet.example' },
      ]),
    ).toBe('VM rhel9 on INTRANET_DEV, 2 CPU, 8 GB ×3; DNS A web.intranet.example');
  });
});
