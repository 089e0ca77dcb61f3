/**
 * A schema failure as OO reports it everywhere (dead letters, publish refusals, task input and
 * output, options, files read from git): each field's dotted path and its rule, in
 * `details.issues` and, as `path: rule; path: rule`, in the message.
 */

export interface SchemaIssue {
  /** Dotted path of the field (`resources.0.cpu`); empty for the value itself. */
  readonly path: string;
  readonly message: string;
}

/**
 * The issues of a zod failure; `prefix` names where the value sits (`['gateway']` makes
 * `gateway.port`).
 */
export function schemaIssues(
  error: { issues: ReadonlyArray<{ path: PropertyKey[]; message: string }> },
  prefix: readonly PropertyKey[] = [],
): SchemaIssue[] {
  return error.issues.map((i) => ({
    path: [...prefix, ...i.path].map(String).join('.'),
    message: i.message,
  }));
}

/** How the value itself (an empty path) is named in text and in reason lists. */
const ROOT = '(root)';

/** `path: rule; path: rule`, with `root` naming the value itself (an empty path). */
export function issuesText(issues: readonly SchemaIssue[], root = ROOT): string {
  return issues.map((i) => `${i.path || root}: ${i.message}`).join('; ');
}

/**
 * The issues as reason lists answer them (a rejected request, `PUT /v1/policy`): each with a path
 * a reader can show, the value itself as `(root)`.
 */
export function schemaReasons(
  error: Parameters<typeof schemaIssues>[0],
  prefix: readonly PropertyKey[] = [],
): SchemaIssue[] {
  return schemaIssues(error, prefix).map((i) => ({ path: i.path || ROOT, message: i.message }));
}
