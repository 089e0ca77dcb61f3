/**
 * A body's schema failure as the runtime reports it (dead letters, publish refusals, task input and
 * output): each field's dotted path and its rule, in `details.issues` and in the message.
 */

export interface SchemaIssue {
  /** Dotted path of the field (`resources.0.cpu`); empty for the body itself. */
  readonly path: string;
  readonly message: string;
}

/** The issues of a zod failure. */
export function schemaIssues(error: {
  issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>;
}): SchemaIssue[] {
  return error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
}

/** `path: rule; path: rule`, `(root)` for the body itself. */
export function issuesText(issues: readonly SchemaIssue[]): string {
  return issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ');
}
