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
});
