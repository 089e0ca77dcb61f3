/**
 * Every body a person or another system writes or reads, by the file name its JSON Schema is
 * exported under (`npm run schemas` -> contracts/schemas/<name>.schema.json).
 */
import type { z } from 'zod';
import { CommonResource, RepoMetadata } from './common-format.js';
import { DeadLetter } from './dead-letter.js';
import { InventoryLists } from './inventory.js';
import { OutputRef } from './output-ref.js';
import { Policy } from './policy.js';
import { PresenceEntry } from './presence.js';
import { RequestBody, RequestEvent } from './request.js';
import { Template } from './template.js';
import { RunEvent, StartRun, TaskEvent } from './workflow.js';

export const PublicSchemas: Readonly<Record<string, z.ZodType>> = {
  'dead-letter': DeadLetter,
  presence: PresenceEntry,
  'common-format': CommonResource,
  'repo-metadata': RepoMetadata,
  template: Template,
  request: RequestBody,
  'request-event': RequestEvent,
  'start-run': StartRun,
  'run-event': RunEvent,
  'task-event': TaskEvent,
  policy: Policy,
  /** The format of an inventory file (`gateway.inventory.file`). */
  inventory: InventoryLists,
  'output-ref': OutputRef,
};
