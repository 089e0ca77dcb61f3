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

/** `path: rule; path: rule`, with `root` naming the value itself (an empty path). */
export function issuesText(issues: readonly SchemaIssue[], root = '(root)'): string {
  return issues.map((i) => `${i.path || root}: ${i.message}`).join('; ');
}
