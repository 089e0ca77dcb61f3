/**
 * The state a successful apply leaves behind: a new state version with outputs. By default the
 * outputs echo the Terraform variables `vm_name` and `ip_address` (as the example vSphere module
 * does), keeping their sensitivity; a test can supply its own list or function instead.
 */
import type { SimContext } from './sim-context.js';
import { newTfeId, type Run, type StateOutput, type StateVersion, type Workspace } from './store.js';

export interface SimOutput {
  readonly name: string;
  readonly value: unknown;
  readonly sensitive?: boolean;
  /** Terraform type name; derived from the value when omitted. */
  readonly type?: string;
}

export interface OutputsInput {
  readonly workspace: { readonly id: string; readonly name: string; readonly organization: string };
  /** Terraform-category variables of the workspace, overridden by the run's own `variables`. */
  readonly variables: Readonly<Record<string, { value: unknown; sensitive: boolean }>>;
  readonly isDestroy: boolean;
}

export type OutputsOption = readonly SimOutput[] | ((input: OutputsInput) => readonly SimOutput[]);

export const DEFAULT_OUTPUT_VARIABLES = ['vm_name', 'ip_address'] as const;

/** Records the state version of an applied run and makes it the workspace's current one. */
export function recordAppliedState(sim: SimContext, workspace: Workspace, run: Run): StateVersion {
  const input: OutputsInput = {
    workspace: { id: workspace.id, name: workspace.name, organization: workspace.organization },
    variables: terraformVariables(sim, workspace, run),
    isDestroy: run.isDestroy,
  };
  const specs = run.isDestroy ? [] : outputsFor(sim.outputs, input);
  const stateVersionId = newTfeId('sv');
  const outputs: StateOutput[] = specs.map((spec) => ({
    kind: 'state-version-output',
    id: newTfeId('wsout'),
    stateVersionId,
    name: spec.name,
    sensitive: spec.sensitive ?? false,
    type: spec.type ?? typeName(spec.value),
    value: spec.value,
  }));
  for (const output of outputs) sim.store.stateOutputs.set(output.id, output);
  const previous = workspace.currentStateVersionId
    ? sim.store.stateVersions.get(workspace.currentStateVersionId)
    : undefined;
  const stateVersion: StateVersion = {
    kind: 'state-version',
    id: stateVersionId,
    workspaceId: workspace.id,
    runId: run.id,
    serial: (previous?.serial ?? 0) + 1,
    createdAt: sim.clock.nowIso(),
    outputIds: outputs.map((output) => output.id),
    processedAtTick: sim.clock.ticks + sim.outputsProcessingTicks,
  };
  sim.store.stateVersions.set(stateVersion.id, stateVersion);
  workspace.currentStateVersionId = stateVersion.id;
  return stateVersion;
}

function outputsFor(option: OutputsOption | undefined, input: OutputsInput): readonly SimOutput[] {
  if (typeof option === 'function') return option(input);
  if (option) return option;
  return DEFAULT_OUTPUT_VARIABLES.flatMap((name) => {
    const variable = input.variables[name];
    return variable ? [{ name, value: variable.value, sensitive: variable.sensitive }] : [];
  });
}

function terraformVariables(
  sim: SimContext,
  workspace: Workspace,
  run: Run,
): Record<string, { value: unknown; sensitive: boolean }> {
  const result: Record<string, { value: unknown; sensitive: boolean }> = {};
  for (const variable of sim.store.variablesOf(workspace.id)) {
    if (variable.category !== 'terraform') continue;
    result[variable.key] = {
      value: variable.hcl ? hclLiteral(variable.value) : variable.value,
      sensitive: variable.sensitive,
    };
  }
  for (const override of run.variables) {
    result[override.key] = {
      value: hclLiteral(override.value),
      sensitive: result[override.key]?.sensitive ?? false,
    };
  }
  return result;
}

/** A best-effort reading of an HCL literal: JSON-compatible values parse, anything else stays text. */
function hclLiteral(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function typeName(value: unknown): string {
  if (Array.isArray(value)) return 'tuple';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return 'number';
  if (typeof value === 'object' && value !== null) return 'object';
  return 'string';
}
