/**
 * Large task outputs travel by reference (see `OutputRef` in contracts): an output whose JSON is
 * larger than the inline limit is written to the `outputs` object store before the report is
 * decided, and the report carries the reference. Small outputs come back untouched, with no round
 * trip: the common, fast path.
 *
 * The object is named `<runId>/<taskKey>/<dispatch>`, the same for every delivery of a dispatch: a
 * delivery that dies after the write and before its report leaves an object the redelivery
 * overwrites, never a second one. Once a report is decided (stored in `task_vars`), a redelivery
 * republishes it without writing again, so the reference and the object stay in step. Two
 * deliveries running at once on different instances (one stuck past its ack wait) may both write;
 * only one report wins the compare-and-set on the task state, and should the other's write land
 * last, the engine sees the object no longer matches the reported sha256 and fails the task with
 * OO_ERR_WORKFLOW_OUTPUT_UNAVAILABLE rather than read the wrong value.
 */
import {
  exceedsUtf8Bytes,
  isOutputRef,
  ObjectStoreNames,
  OoError,
  type OutputRef,
  taskOutputName,
} from '@oo/contracts';
import type { ObjectFiles } from '../object-files.js';

/** Which output this is: one engine dispatch of one task (or forEach element) of one run. */
export interface OutputSlot {
  readonly runId: string;
  readonly taskKey: string;
  readonly dispatch: number;
}

export interface OutputOffload {
  /**
   * The output as the report carries it: the value itself when its JSON fits the inline limit, else
   * an `OutputRef` to the object just written. A small output that looks like a reference is
   * written too, so that a reader never mistakes a task's own value for a reference. `json` is
   * `JSON.stringify(output)`, which the caller has made already.
   * @throws OoError OO_ERR_NATS_UNAVAILABLE (retryable) when the store does not take the write
   */
  place(output: unknown, json: string | undefined, slot: OutputSlot): Promise<unknown>;
}

export function outputOffload(files: ObjectFiles, inlineMaxBytes: number): OutputOffload {
  return {
    async place(output, text, slot) {
      if (output === undefined || text === undefined) return output;
      if (!exceedsUtf8Bytes(text, inlineMaxBytes) && !isOutputRef(output)) return output;
      const name = taskOutputName(slot.runId, slot.taskKey, slot.dispatch);
      let stored: Awaited<ReturnType<ObjectFiles['put']>>;
      try {
        stored = await files.put(name, Buffer.from(text, 'utf8'), { contentType: 'application/json' });
      } catch (err) {
        throw new OoError(
          'OO_ERR_NATS_UNAVAILABLE',
          `cannot write output ${files.name}/${name}: ${(err as Error).message}`,
          { retryable: true, cause: err },
        );
      }
      const ref: OutputRef = {
        $ref: ObjectStoreNames.outputs,
        name,
        size: stored.size,
        sha256: stored.sha256,
      };
      return ref;
    },
  };
}
