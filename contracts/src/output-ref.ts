/**
 * Large outputs travel by reference. A task output (or a run output, or a forEach task's collected
 * outputs) whose JSON is larger than the inline limit is written to the `outputs` object store, and
 * the message or state that would have held it holds an `OutputRef` instead:
 *
 *   { "$ref": "outputs", "name": "<runId>/<taskKey>/<dispatch>", "size": 2097152, "sha256": "…" }
 *
 * `TaskEvent.output`, `RunEvent.output` and the engine's run state may each be
 * an `OutputRef` at the top level (a forEach task's output is an array whose elements may be refs).
 * The engine resolves refs before evaluating expressions, so templates read `tasks.x.output.field`
 * the same either way. The object holds the value's JSON (UTF-8); `sha256` pins the exact content,
 * so a reader notices an object that was replaced or damaged. Objects expire with the store's TTL
 * (see `ObjectStores` in streams.ts).
 *
 * Object names are deterministic, so a repeated write (a redelivered task, a replanned event)
 * replaces the same object rather than leaving a second one:
 *
 *   <runId>/<taskKey>/<dispatch>   a task's output, written by the runner before its end event
 *   <runId>/<taskId>/all           a forEach task's collected outputs, written by the engine
 *   <runId>/<taskId>/items         a forEach task's items while it runs, written by the engine
 *   <runId>/output                 a run's output, written by the engine
 */
import { z } from 'zod';
import { ObjectStoreNames } from './streams.js';

/** Outputs whose JSON (UTF-8 bytes) is larger than this go to the object store (64 KiB). */
export const OUTPUT_INLINE_MAX_BYTES = 64 * 1024;

export const OutputRef = z
  .object({
    $ref: z.literal(ObjectStoreNames.outputs),
    /** Object name in the store (see the naming rules above). */
    name: z.string().min(1).max(1_024),
    /** Bytes of the stored JSON. */
    size: z.number().int().min(0),
    /** SHA-256 of the stored JSON, 64 lower-case hex digits. */
    sha256: z.string().regex(/^[0-9a-f]{64}$/, '64 lower-case hex digits'),
  })
  .strict()
  .describe('A large output kept in the `outputs` object store: read the object `name` for its JSON.');
export type OutputRef = z.infer<typeof OutputRef>;

/** How an output field is documented in the exported JSON Schemas. */
export const OUTPUT_DOC =
  'The output: its value inline, or an OutputRef ({ "$ref": "outputs", name, size, sha256 }) when its ' +
  'JSON is larger than the inline limit (64 KiB unless configured); the value is then the JSON of ' +
  'object `name` in the `outputs` object store.';

/** Whether `value` is an output reference (and not an output that happens to be an object). */
export function isOutputRef(value: unknown): value is OutputRef {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { $ref?: unknown }).$ref === ObjectStoreNames.outputs &&
    OutputRef.safeParse(value).success
  );
}

/** Object name of a task's output for one engine dispatch (a forEach element's key included). */
export function taskOutputName(runId: string, taskKey: string, dispatch: number): string {
  return `${runId}/${taskKey}/${dispatch}`;
}

/** Object name of a forEach task's collected element outputs. */
export function collectedOutputName(runId: string, taskId: string): string {
  return `${runId}/${taskId}/all`;
}

/** Object name of the items a forEach task runs over (the engine's run state holds the reference). */
export function forEachItemsName(runId: string, taskId: string): string {
  return `${runId}/${taskId}/items`;
}

/** Object name of a run's output. */
export function runOutputName(runId: string): string {
  return `${runId}/output`;
}
