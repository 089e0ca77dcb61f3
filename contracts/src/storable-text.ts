/**
 * Strings PostgreSQL can store. JSON can carry U+0000 and a UTF-16 surrogate without its pair
 * (`"\u0000"`, `"\ud800"`); PostgreSQL text and jsonb cannot hold either. Taken in, such a string
 * failed later and far from the caller: a request's events could not be folded into the read model,
 * so the request never showed. Bodies that enter OO from outside (HTTP bodies, the commands any
 * NATS client may publish) are held to this rule beside their schema, so each such string is
 * refused with the body's other problems, naming its field.
 *
 * Not for the engine's and runners' subjects: they carry what was checked on the way in, and they
 * are the hot path.
 */
import type { z } from 'zod';

const MAX_PROBLEMS = 100;
// Code units, not code points (no `u` flag): a high surrogate not followed by a low one, or a low
// surrogate not preceded by a high one.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function problemOf(text: string): string | undefined {
  if (text.includes('\u0000')) return 'must not contain U+0000 (NUL)';
  if (LONE_SURROGATE.test(text)) return 'must not contain a UTF-16 surrogate without its pair';
  return undefined;
}

interface Node {
  readonly value: unknown;
  readonly key?: string;
  readonly parent?: Node;
}

function pathOf(node: Node): string[] {
  const path: string[] = [];
  for (let at: Node | undefined = node; at?.key !== undefined; at = at.parent) path.push(at.key);
  return path.reverse();
}

/** A string PostgreSQL cannot store, at `path` (array indexes as strings: `['resources', '0']`). */
export interface UnstorableString {
  readonly path: string[];
  readonly message: string;
}

/**
 * Each string in `value` (a JSON value, walked whole) that PostgreSQL cannot store, with its path;
 * at most 100. Iterative and without copying paths on the way down, since a body may nest
 * thousands of levels deep. Object keys are not checked: the schemas this guards constrain them.
 */
export function unstorableStrings(value: unknown): UnstorableString[] {
  const found: UnstorableString[] = [];
  const stack: Node[] = [{ value }];
  while (stack.length > 0 && found.length < MAX_PROBLEMS) {
    const node = stack.pop()!;
    const { value: v } = node;
    if (typeof v === 'string') {
      const message = problemOf(v);
      if (message) found.push({ path: pathOf(node), message });
    } else if (v !== null && typeof v === 'object') {
      // Arrays too: their keys are the indexes.
      for (const [key, item] of Object.entries(v)) stack.push({ value: item, key, parent: node });
    }
  }
  return found;
}

/**
 * `schema`, also refusing every string in the value that PostgreSQL cannot store (free-form JSON
 * inside it included), one issue per string naming its path. The check runs even when the schema
 * found other problems, so a caller hears of all of them at once.
 */
export function storableText<S extends z.ZodType>(schema: S): S {
  return schema.superRefine(
    (value, ctx) => {
      for (const { path, message } of unstorableStrings(value))
        ctx.addIssue({ code: 'custom', path, message });
    },
    { when: () => true },
  );
}
