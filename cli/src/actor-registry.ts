/**
 * Every actor `oo up` starts and `oo actor <name>` can run alone, built from the configuration.
 * Imported lazily, so running one actor loads only its code.
 */
import type { ActorDefinition } from '@oo/runtime';
import type { OoConfig } from './oo-config.js';
import { knownTaskTypes } from './task-catalog.js';

export type ActorFactory = (config: OoConfig) => Promise<ActorDefinition>;

export const ActorRegistry: Readonly<Record<string, ActorFactory>> = {
  engine: async (config) =>
    (await import('@oo/engine')).engineActor({
      templatesDir: config.engine.templatesDir,
      knownTaskTypes: knownTaskTypes(),
      reconcileIntervalMs: config.engine.reconcileIntervalMs,
      stuckAfterMs: config.engine.stuckAfterMs,
    }),
  runner: async () => (await import('@oo/runner')).runnerActor,
};

export function actorNames(): string[] {
  return Object.keys(ActorRegistry);
}
