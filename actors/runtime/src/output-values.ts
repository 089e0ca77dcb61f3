/**
 * Outputs as a reader expects them: a run or task output too large to travel inline is kept in the
 * `outputs` object store and travels as its `OutputRef`; a reader (GET /v1/requests/:id,
 * `oo templates run`) wants the value behind it. Once the object is gone (the store keeps outputs
 * 30 days) or no longer matches its sha256, the answer is the reference itself, which says what
 * was there, and `onMissing` is told.
 */
import { isOutputRef, OoError, type OutputRef } from '@oo/contracts';
import type { ObjectFiles } from './object-files.js';

/** The value behind an output reference; any other value as it is. */
export type OutputValues = (output: unknown) => Promise<unknown>;

export function outputValues(
  files: ObjectFiles,
  onMissing: (ref: OutputRef, found: boolean) => void,
): OutputValues {
  const decoder = new TextDecoder();
  return async (output) => {
    if (!isOutputRef(output)) return output;
    let found: Awaited<ReturnType<ObjectFiles['get']>>;
    try {
      found = await files.get(output.name);
    } catch (err) {
      throw new OoError('OO_ERR_NATS_UNAVAILABLE', 'the outputs store is not reachable now; retry shortly', {
        retryable: true,
        cause: err,
      });
    }
    if (!found || found.info.sha256 !== output.sha256) {
      onMissing(output, found !== undefined);
      return output;
    }
    return JSON.parse(decoder.decode(found.data)) as unknown;
  };
}
