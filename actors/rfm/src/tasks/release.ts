/**
 * `rfm.release`: gives back the addresses, names and placements of a request that failed or was
 * cancelled after `rfm.commit` (a template's failure path). Idempotent.
 */
import { defineTask } from '@oo/runtime';
import { z } from 'zod';
import { releaseRequest } from '../release.js';
import type { RfmDeps } from '../rfm-options.js';

export const RfmReleaseInput = z.object({ requestId: z.string().min(1) });
export const RfmReleaseOutput = z
  .object({ addresses: z.number().int(), names: z.number().int(), placements: z.number().int() })
  .strict();

export function rfmReleaseTask(deps: RfmDeps) {
  return defineTask({
    type: 'rfm.release',
    description: "Releases a request's addresses, names and placements",
    input: RfmReleaseInput,
    output: RfmReleaseOutput,
    retry: { maxAttempts: 5, backoffMs: 1_000, maxBackoffMs: 15_000 },
    async run(ctx, input) {
      const released = await releaseRequest(await deps.db(), input.requestId);
      ctx.log.info({ ...released }, 'request allocations released');
      return released;
    },
  });
}
