/**
 * Outputs of the workspace's current state (tfe-api.md §7). Sensitive values come back `null`. TFE
 * answers 503 while it is still processing a new state; that is retried like any failed GET.
 */
import { z } from 'zod';
import type { Transport } from './http-transport.js';
import { attributes, list, type ResourceObject } from './json-api.js';
import type { CallOptions } from './types.js';

export interface TfeStateOutput {
  readonly id: string;
  readonly name: string;
  readonly sensitive: boolean;
  readonly type: string;
  /** Null when sensitive. */
  readonly value: unknown;
}

const Attributes = z.object({
  name: z.string(),
  sensitive: z.boolean().default(false),
  type: z.string().nullish(),
  value: z.unknown(),
});

function toOutput(resource: ResourceObject): TfeStateOutput {
  const a = attributes(resource, Attributes, 'a state version output');
  return {
    id: resource.id,
    name: a.name,
    sensitive: a.sensitive,
    type: a.type ?? 'unknown',
    value: a.sensitive ? null : (a.value ?? null),
  };
}

/**
 * Every output of the current state version (all pages). Throws OO_ERR_TFE_NOT_FOUND when the
 * workspace has no state yet (or is not visible), OO_ERR_TFE_UNAVAILABLE when outputs stay 503.
 */
export async function getCurrentStateOutputs(
  t: Transport,
  workspaceId: string,
  options: CallOptions = {},
): Promise<TfeStateOutput[]> {
  const result: TfeStateOutput[] = [];
  for (let page: number | undefined = 1; page !== undefined; ) {
    const body = await t.api({
      method: 'GET',
      path: `/workspaces/${encodeURIComponent(workspaceId)}/current-state-version-outputs`,
      query: { 'page[number]': page, 'page[size]': 100 },
      signal: options.signal,
    });
    const { items, nextPage } = list(body, 'state-version-outputs', 'list state outputs');
    result.push(...items.map(toOutput));
    page = nextPage;
  }
  return result;
}
