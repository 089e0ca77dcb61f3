/**
 * A request's outputs as a reader expects them: a run output too large to travel inline is kept in
 * the `outputs` object store and the read model holds its `OutputRef`; GET /v1/requests/:id answers
 * with the value behind it. Once the object is gone (the store keeps outputs 30 days) or no longer
 * matches its sha256, the answer holds the reference itself, which says what was there.
 */
import { isOutputRef, OoError } from '@oo/contracts';
import type { ObjectFiles } from '@oo/runtime';
import type { Logger } from 'pino';

/** The value behind an output reference; any other value as it is. */
export type OutputValues = (output: unknown) => Promise<unknown>;

export function outputValues(files: ObjectFiles, log: Logger): OutputValues {
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
      log.warn({ object: output.name, found: found !== undefined }, 'output object gone or replaced');
      return output;
    }
    return JSON.parse(decoder.decode(found.data)) as unknown;
  };
}
