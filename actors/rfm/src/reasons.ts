/** Reasons (`{ path, message }`) from zod issues, with dotted paths: `resources.0.cpu`. */
import type { z } from 'zod';
import type { Reason } from './policy-types.js';

export function joinPath(...parts: readonly (string | number)[]): string {
  return parts.filter((p) => p !== '').join('.');
}

export function issuesToReasons(error: z.ZodError, prefix: readonly (string | number)[] = []): Reason[] {
  return error.issues.map((issue) => ({
    path: joinPath(...prefix, ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))) || '(root)',
    message: issue.message,
  }));
}
