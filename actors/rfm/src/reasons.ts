/** Reasons (`{ path, message }`) from zod issues, with dotted paths: `resources.0.cpu`. */
import { schemaIssues } from '@oo/contracts';
import type { z } from 'zod';
import type { Reason } from './policy-types.js';

export function joinPath(...parts: readonly (string | number)[]): string {
  return parts.filter((p) => p !== '').join('.');
}

export function issuesToReasons(error: z.ZodError, prefix: readonly (string | number)[] = []): Reason[] {
  return schemaIssues(error, prefix).map((issue) => ({
    path: issue.path || '(root)',
    message: issue.message,
  }));
}
