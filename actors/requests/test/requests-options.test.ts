import { describe, expect, it } from 'vitest';
import { parseRequestsOptions, REQUESTS_DEFAULTS } from '../src/requests-options.js';

const options = { templates: {}, filestoreUrl: 'http://files.test', notify: { defaultTo: [] } };

describe('requests - options', () => {
  it('keeps an ended request 30 days and looks hourly, by default', () => {
    expect(parseRequestsOptions(options)).toMatchObject({
      keepEndedRequestsMs: 30 * 86_400_000,
      retentionIntervalMs: REQUESTS_DEFAULTS.retentionIntervalMs,
    });
  });

  it('refuses a keep time shorter than the commands stream keeps a submit, naming the option', () => {
    expect(() => parseRequestsOptions({ ...options, keepEndedRequestsMs: 86_400_000 })).toThrow(
      /requests\.keepEndedRequestsMs: must be at least the commands stream's max age/,
    );
  });

  it('looks for undispatched records every minute, after a 5-minute grace, by default', () => {
    expect(parseRequestsOptions(options)).toMatchObject({
      reconcileIntervalMs: 60_000,
      dispatchGraceMs: 5 * 60_000,
      keepEndedRunsMs: 30 * 86_400_000,
    });
  });

  it('refuses a dispatch grace under a minute, naming the option', () => {
    expect(() => parseRequestsOptions({ ...options, dispatchGraceMs: 1_000 })).toThrow(
      /requests\.dispatchGraceMs: must be at least a minute/,
    );
  });

  it('refuses a reconcile interval that is not a whole number of ms, naming the option', () => {
    expect(() => parseRequestsOptions({ ...options, reconcileIntervalMs: 1.5 })).toThrow(
      /requests\.reconcileIntervalMs/,
    );
  });
});
