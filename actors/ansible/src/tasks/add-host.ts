/**
 * `awx.add_host`: puts a host with its variables into an inventory, creating it or updating the one
 * of that name, so a repeated delivery (even after a lost answer to the create) ends the same.
 */
import { OoError } from '@oo/contracts';
import { defineTask } from '@oo/runtime';
import { z } from 'zod';
import type { AwxAccess } from '../awx-access.js';

export const AddHostInput = z
  .object({
    /** Inventory id. */
    inventory: z.number().int().positive(),
    /** Host name or IP; `name:port` makes AWX move the port to `ansible_ssh_port`. */
    name: z.string().min(1),
    variables: z.record(z.string(), z.unknown()).default({}),
    description: z.string().optional(),
    enabled: z.boolean().optional(),
  })
  .strict();

export const AddHostOutput = z
  .object({
    hostId: z.number().int().positive(),
    /** False when a host of that name existed and was updated. */
    created: z.boolean(),
  })
  .strict();

export function addHostTask(awx: AwxAccess) {
  return defineTask({
    type: 'awx.add_host',
    description: 'Creates or updates a host of an AWX inventory (idempotent).',
    input: AddHostInput,
    output: AddHostOutput,
    retry: { maxAttempts: 5, backoffMs: 2_000, maxBackoffMs: 30_000 },
    async run(ctx, input) {
      const client = awx.client();
      const host = {
        name: input.name,
        variables: input.variables,
        ...(input.description === undefined ? {} : { description: input.description }),
        ...(input.enabled === undefined ? {} : { enabled: input.enabled }),
      };
      const call = { signal: ctx.signal };
      try {
        const ensured = await client.ensureInventoryHost(input.inventory, host, call);
        return { hostId: ensured.host.id, created: ensured.created };
      } catch (error) {
        // Created by someone else between the look-up and the create: update that one.
        if (!(error instanceof OoError) || error.code !== 'OO_ERR_AWX_HOST_EXISTS') throw error;
        const ensured = await client.ensureInventoryHost(input.inventory, host, call);
        return { hostId: ensured.host.id, created: false };
      }
    },
  });
}
