/**
 * Strings in a body must be text PostgreSQL can store. JSON can carry U+0000 and a UTF-16 surrogate
 * without its pair (`"\u0000"`, `"\ud800"`); PostgreSQL text and jsonb cannot hold either. Taken in,
 * such a string failed later and far from the caller: a cancel's audit row was lost (with every row
 * of its group commit), and a submitted request's events could not be folded into the read model,
 * so the request never showed. Bodies are validated with this rule beside their schema, so each
 * such string is refused with the body's other problems, naming its field.
 */
import type { FastifySchemaCompiler } from 'fastify';
import { validatorCompiler as zodValidatorCompiler } from 'fastify-type-provider-zod';
import { z } from 'zod';

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

/**
 * Each string in `value` that cannot be stored, with its path; at most MAX_PROBLEMS. Iterative and
 * without copying paths on the way down, since a body may nest thousands of levels deep.
 */
export function unstorableStrings(value: unknown): { path: string[]; message: string }[] {
  const found: { path: string[]; message: string }[] = [];
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

/** zod's validator compiler, holding bodies to storable text as well as to their schema. */
export const validatorCompiler: FastifySchemaCompiler<z.ZodType> = (route) => {
  if (route.httpPart !== 'body' || !(route.schema instanceof z.ZodType)) return zodValidatorCompiler(route);
  const schema = route.schema.superRefine(
    (body, ctx) => {
      for (const { path, message } of unstorableStrings(body))
        ctx.addIssue({ code: 'custom', path, message });
    },
    // Also when the schema found other problems: all of them are answered at once.
    { when: () => true },
  );
  return zodValidatorCompiler({ ...route, schema });
};
