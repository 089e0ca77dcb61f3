/**
 * Every actor `oo up` starts and `oo actor <name>` can run alone. Imported lazily, so running one
 * actor loads only its code.
 */
import type { ActorDefinition } from '@oo/runtime';

export const ActorRegistry: Readonly<Record<string, () => Promise<ActorDefinition>>> = {};

export function actorNames(): string[] {
  return Object.keys(ActorRegistry);
}
