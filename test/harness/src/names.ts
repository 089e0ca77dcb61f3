import { randomBytes } from 'node:crypto';

/** A fresh lower-case token for names that must not collide between tests (actors, subjects). */
export function freshName(prefix = 't'): string {
  return `${prefix}${randomBytes(4).toString('hex')}`;
}
