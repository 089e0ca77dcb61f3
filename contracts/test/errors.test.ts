import { describe, expect, it } from 'vitest';
import {
  ErrorData,
  ErrorRegistry,
  errorTableMarkdown,
  OoError,
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
});
