/**
 * The whole configuration of an OO installation: the runtime's keys plus each actor's section.
 * Later sections (gateway, awx, tfe, ...) are added here as their actors arrive.
 */
import { RuntimeConfig } from '@oo/runtime';

export const OoConfig = RuntimeConfig;
export type OoConfig = RuntimeConfig;
