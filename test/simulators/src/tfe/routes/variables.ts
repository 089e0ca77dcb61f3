/**
 * Workspace variables (tfe-api.md §4): list, create, patch, delete. Sensitive values are write-only:
 * every read answers `value: null`. A key is unique per workspace and category.
 */
import { z } from 'zod';
import { invalidAttribute, notFound, parseAttributes, requestData } from '../json-api.js';
import { paginate } from '../pagination.js';
import { jsonBody, type Router } from '../router.js';
import { toResource } from '../serialize.js';
import type { SimContext } from '../sim-context.js';
import { newTfeId, type Variable } from '../store.js';
import { visibleWorkspace } from './workspaces.js';

const Category = z.enum(['terraform', 'env'], { error: 'must be one of terraform, env' });

const CreateVariable = z.object({
  key: z.string({ error: "can't be blank" }).min(1, "can't be blank"),
  value: z.string().optional(),
  description: z.string().nullish(),
  category: Category,
  hcl: z.boolean().optional(),
  sensitive: z.boolean().optional(),
});

const UpdateVariable = CreateVariable.partial();

export function registerVariableRoutes(router: Router, sim: SimContext): void {
  router.add('GET', '/api/v2/workspaces/:id/vars', (req) => {
    const ws = visibleWorkspace(sim, req.principal, req.params.id!);
    const page = paginate(sim.store.variablesOf(ws.id), req.url);
    return {
      status: 200,
      json: { data: page.items.map((v) => toResource(sim, v)), links: page.links, meta: page.meta },
    };
  });

  router.add('POST', '/api/v2/workspaces/:id/vars', (req) => {
    const ws = visibleWorkspace(sim, req.principal, req.params.id!);
    const attributes = parseAttributes(CreateVariable, requestData(jsonBody(req), 'vars').attributes);
    assertUniqueKey(sim, ws.id, attributes.key, attributes.category, undefined);
    const variable: Variable = {
      kind: 'var',
      id: newTfeId('var'),
      workspaceId: ws.id,
      key: attributes.key,
      value: attributes.value ?? '',
      description: attributes.description ?? '',
      category: attributes.category,
      hcl: attributes.hcl ?? false,
      sensitive: attributes.sensitive ?? false,
      versionId: newTfeId('version'),
    };
    sim.store.variables.set(variable.id, variable);
    return { status: 201, json: { data: toResource(sim, variable) } };
  });

  router.add('PATCH', '/api/v2/workspaces/:id/vars/:varId', (req) => {
    const variable = visibleVariable(sim, req.principal, req.params.id!, req.params.varId!);
    const attributes = parseAttributes(UpdateVariable, requestData(jsonBody(req), 'vars').attributes);
    if (variable.sensitive && attributes.sensitive === false) {
      throw invalidAttribute('a sensitive variable cannot be made non-sensitive', 'sensitive');
    }
    const key = attributes.key ?? variable.key;
    const category = attributes.category ?? variable.category;
    assertUniqueKey(sim, variable.workspaceId, key, category, variable.id);
    variable.key = key;
    variable.category = category;
    if (attributes.value !== undefined) variable.value = attributes.value;
    if (attributes.description !== undefined) variable.description = attributes.description ?? '';
    if (attributes.hcl !== undefined) variable.hcl = attributes.hcl;
    if (attributes.sensitive !== undefined) variable.sensitive = attributes.sensitive;
    variable.versionId = newTfeId('version');
    return { status: 200, json: { data: toResource(sim, variable) } };
  });

  router.add('DELETE', '/api/v2/workspaces/:id/vars/:varId', (req) => {
    const variable = visibleVariable(sim, req.principal, req.params.id!, req.params.varId!);
    sim.store.variables.delete(variable.id);
    return { status: 204 };
  });
}

function visibleVariable(
  sim: SimContext,
  principal: Parameters<typeof visibleWorkspace>[1],
  workspaceId: string,
  variableId: string,
): Variable {
  const ws = visibleWorkspace(sim, principal, workspaceId);
  const variable = sim.store.variables.get(variableId);
  if (!variable || variable.workspaceId !== ws.id) throw notFound();
  return variable;
}

function assertUniqueKey(
  sim: SimContext,
  workspaceId: string,
  key: string,
  category: string,
  exceptId: string | undefined,
): void {
  const clash = sim.store
    .variablesOf(workspaceId)
    .some((v) => v.key === key && v.category === category && v.id !== exceptId);
  if (clash) throw invalidAttribute('Key has already been taken', 'key');
}
