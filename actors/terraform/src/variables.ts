/**
 * Workspace variables (tfe-api.md §4), Terraform and environment categories. Sensitive values are
 * write-only in TFE (reads give `null`) and are kept out of every error this module raises.
 */
import { z } from 'zod';
import type { Transport } from './http-transport.js';
import { attributes, document, list, type ResourceObject, single } from './json-api.js';
import type { CallOptions } from './types.js';

export type TfeVariableCategory = 'terraform' | 'env';

export interface TfeVariable {
  readonly id: string;
  readonly key: string;
  /** Null for sensitive variables: TFE never returns their value. */
  readonly value: string | null;
  readonly category: TfeVariableCategory;
  readonly hcl: boolean;
  readonly sensitive: boolean;
  readonly description: string;
}

export interface VariableInput {
  readonly key: string;
  /** For `hcl: true`, an HCL expression (`["a", "b"]`, `{ size = 2 }`); otherwise a plain string. */
  readonly value: string;
  readonly category: TfeVariableCategory;
  readonly hcl?: boolean;
  /** Write-only once set; a sensitive variable cannot be made non-sensitive again. */
  readonly sensitive?: boolean;
  readonly description?: string;
}

const Attributes = z.object({
  key: z.string(),
  value: z.string().nullish(),
  category: z.enum(['terraform', 'env']),
  hcl: z.boolean().default(false),
  sensitive: z.boolean().default(false),
  description: z.string().nullish(),
});

function toVariable(resource: ResourceObject): TfeVariable {
  const a = attributes(resource, Attributes, 'a variable');
  return {
    id: resource.id,
    key: a.key,
    value: a.sensitive ? null : (a.value ?? ''),
    category: a.category,
    hcl: a.hcl,
    sensitive: a.sensitive,
    description: a.description ?? '',
  };
}

const varsPath = (workspaceId: string): string => `/workspaces/${encodeURIComponent(workspaceId)}/vars`;

const secretsOf = (input: Partial<VariableInput>): string[] =>
  input.sensitive && input.value !== undefined ? [input.value] : [];

/** Every variable of the workspace (all pages). */
export async function listVariables(
  t: Transport,
  workspaceId: string,
  options: CallOptions = {},
): Promise<TfeVariable[]> {
  const result: TfeVariable[] = [];
  for (let page: number | undefined = 1; page !== undefined; ) {
    const body = await t.api({
      method: 'GET',
      path: varsPath(workspaceId),
      query: { 'page[number]': page, 'page[size]': 100 },
      signal: options.signal,
    });
    const { items, nextPage } = list(body, 'vars', 'list variables');
    result.push(...items.map(toVariable));
    page = nextPage;
  }
  return result;
}

/** Throws OO_ERR_TFE_VALIDATION when the key already exists in that category. */
export async function createVariable(
  t: Transport,
  workspaceId: string,
  input: VariableInput,
  options: CallOptions = {},
): Promise<TfeVariable> {
  const body = await t.api({
    method: 'POST',
    path: varsPath(workspaceId),
    body: document('vars', {
      key: input.key,
      value: input.value,
      category: input.category,
      hcl: input.hcl ?? false,
      sensitive: input.sensitive ?? false,
      description: input.description,
    }),
    signal: options.signal,
    secrets: secretsOf(input),
  });
  return toVariable(single(body, 'vars', 'create variable'));
}

/** Changes only the given attributes. PATCH is idempotent but, like every write, not retried here. */
export async function updateVariable(
  t: Transport,
  workspaceId: string,
  variableId: string,
  patch: Partial<VariableInput>,
  options: CallOptions = {},
): Promise<TfeVariable> {
  const body = await t.api({
    method: 'PATCH',
    path: `${varsPath(workspaceId)}/${encodeURIComponent(variableId)}`,
    body: document(
      'vars',
      {
        key: patch.key,
        value: patch.value,
        category: patch.category,
        hcl: patch.hcl,
        sensitive: patch.sensitive,
        description: patch.description,
      },
      undefined,
      variableId,
    ),
    signal: options.signal,
    secrets: secretsOf(patch),
  });
  return toVariable(single(body, 'vars', 'update variable'));
}

export async function deleteVariable(
  t: Transport,
  workspaceId: string,
  variableId: string,
  options: CallOptions = {},
): Promise<void> {
  await t.api({
    method: 'DELETE',
    path: `${varsPath(workspaceId)}/${encodeURIComponent(variableId)}`,
    signal: options.signal,
  });
}

/**
 * Upserts: a variable whose key and category exist is patched, any other is created. Variables not
 * named are left alone. One list call, then one write per input, in order.
 */
export async function setVariables(
  t: Transport,
  workspaceId: string,
  inputs: readonly VariableInput[],
  options: CallOptions = {},
): Promise<TfeVariable[]> {
  const existing = await listVariables(t, workspaceId, options);
  const result: TfeVariable[] = [];
  for (const input of inputs) {
    const match = existing.find((v) => v.key === input.key && v.category === input.category);
    result.push(
      match
        ? await updateVariable(t, workspaceId, match.id, input, options)
        : await createVariable(t, workspaceId, input, options),
    );
  }
  return result;
}
