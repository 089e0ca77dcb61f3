import { describe, expect, it } from 'vitest';
import {
  ErrorData,
  ErrorRegistry,
  errorTableMarkdown,
  isRejection,
  OoError,
  rejectionReasons,
  retryable,
  terminal,
  toOoError,
} from '../src/index.js';

describe('contracts - errors', () => {
  it('names every code OO_ERR_* with a meaning and a fix', () => {
    for (const [code, spec] of Object.entries(ErrorRegistry)) {
      expect(code).toMatch(/^OO_ERR_[A-Z0-9_]+$/);
      expect(spec.meaning.length).toBeGreaterThan(10);
      expect(spec.fix.length).toBeGreaterThan(3);
    }
  });

  it('takes retryable from the registry unless the thrower says otherwise', () => {
    expect(new OoError('OO_ERR_TIMEOUT', 'slow').retryable).toBe(true);
    expect(new OoError('OO_ERR_MSG_SCHEMA', 'bad').retryable).toBe(false);
    expect(terminal('OO_ERR_TIMEOUT', 'give up').retryable).toBe(false);
    expect(retryable('OO_ERR_CANCELLED', 'odd', { retryAfterMs: 5 }).retryAfterMs).toBe(5);
  });

  it('survives a trip across the bus as data, rebuilt by code', () => {
    const original = new OoError('OO_ERR_TIMEOUT', 'took too long', {
      details: { ms: 5 },
      retryAfterMs: 100,
    });
    const data = ErrorData.parse(JSON.parse(JSON.stringify(original.toData())));
    const rebuilt = OoError.fromData(data);
    expect(rebuilt).toBeInstanceOf(OoError);
    expect(rebuilt.toData()).toEqual(original.toData());
  });

  it('normalises anything thrown into a retryable handler failure', () => {
    expect(toOoError(new Error('x'))).toMatchObject({
      code: 'OO_ERR_HANDLER_FAILED',
      message: 'x',
      retryable: true,
    });
    expect(toOoError('str').message).toContain('str');
    const e = terminal('OO_ERR_AUTH_INVALID', 'no');
    expect(toOoError(e)).toBe(e);
  });

  it('renders the registry as the documentation table', () => {
    const md = errorTableMarkdown();
    for (const code of Object.keys(ErrorRegistry)) expect(md).toContain(`\`${code}\``);
  });

  it('tells a request the policy rejects from one that broke, by code', () => {
    expect(isRejection('OO_ERR_RFM_REJECTED')).toBe(true);
    for (const code of ['OO_ERR_RFM_GIT_UNAVAILABLE', 'OO_ERR_AWX_JOB_FAILED', 'OO_ERR_NOT_A_CODE']) {
      expect(isRejection(code), code).toBe(false);
    }
  });

  it('takes the reasons of a rejecting error, and none from one that is not', () => {
    const reasons = [{ path: 'resources.0.cpu', message: 'must be at most 8' }];
    const rejected = { code: 'OO_ERR_RFM_REJECTED', message: 'rejected', retryable: false };
    expect(rejectionReasons({ ...rejected, details: { reasons } })).toEqual(reasons);
    // A rejection without readable reasons still names why.
    expect(rejectionReasons(rejected)).toEqual([{ path: '(request)', message: 'rejected' }]);
    expect(
      rejectionReasons({ code: 'OO_ERR_TIMEOUT', message: 'slow', retryable: true, details: { reasons } }),
    ).toBeUndefined();
    expect(rejectionReasons(undefined)).toBeUndefined();
  });
});
