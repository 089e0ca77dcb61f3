import { OoError } from '@oo/contracts';
import { FILESTORE_DEFAULTS, filestoreActor } from '@oo/filestore';
import { describe, expect, it } from 'vitest';

/** The error `filestoreActor` throws for `options`, or undefined when it takes them. */
function refusal(options: Record<string, unknown>): OoError | undefined {
  try {
    filestoreActor({ port: 0, ...options });
    return undefined;
  } catch (err) {
    return err as OoError;
  }
}

describe('filestore - options', () => {
  it('keeps an upload 30 days by default', () => {
    expect(FILESTORE_DEFAULTS.keepUploadsMs).toBe(30 * 86_400_000);
    expect(refusal({})).toBeUndefined();
  });

  it('refuses an upload keep time under an hour, naming the option', () => {
    const error = refusal({ keepUploadsMs: 60_000 });
    expect(error).toBeInstanceOf(OoError);
    expect(error?.code).toBe('OO_ERR_CONFIG_INVALID');
    expect(error?.message).toMatch(/filestore\.keepUploadsMs: must be at least an hour/);
  });

  it('refuses a retention interval that is not a positive whole number, naming the option', () => {
    expect(refusal({ retentionIntervalMs: 0 })?.message).toMatch(/filestore\.retentionIntervalMs/);
  });
});
