/**
 * Entities to JSON:API resource objects. Each entity's relationships are declared once
 * (`relationsOf`); they feed both `relationships` in the document and `?include=` resolution, so the
 * two cannot disagree. Sensitive values never leave here unless the caller asks for them.
 */
import { ApiError, type ResourceIdentifier, type ResourceObject } from './json-api.js';
import { actionsOf, positionInQueue } from './run-state-machine.js';
import type { SimContext } from './sim-context.js';
import type { Entity, Phase, Run, Workspace } from './store.js';

const API = '/api/v2';

const TYPE: Record<Entity['kind'], string> = {
  organization: 'organizations',
  workspace: 'workspaces',
  var: 'vars',
  'configuration-version': 'configuration-versions',
  run: 'runs',
  plan: 'plans',
  apply: 'applies',
  'state-version': 'state-versions',
  'state-version-output': 'state-version-outputs',
};

export interface SerializeOptions {
  /** Only `GET /state-version-outputs/{id}` shows sensitive output values. */
  readonly revealSensitiveOutputs?: boolean;
}

export function identifier(entity: Entity): ResourceIdentifier {
  return { id: entity.id, type: TYPE[entity.kind] };
}

export function toResource(sim: SimContext, entity: Entity, options: SerializeOptions = {}): ResourceObject {
  const relations = relationsOf(sim, entity);
  const relationships = Object.fromEntries(
    Object.entries(relations).map(([name, related]) => [
      name,
      { data: Array.isArray(related) ? related.map(identifier) : related ? identifier(related) : null },
    ]),
  );
  return {
    ...identifier(entity),
    attributes: attributesOf(sim, entity, options),
    ...(Object.keys(relationships).length > 0 ? { relationships } : {}),
    links: { self: selfLink(entity) },
  };
}

/** `included[]` for `?include=a,b.c`; 400 for a relationship the resource does not have. */
export function includedFor(
  sim: SimContext,
  primaries: readonly Entity[],
  include: string | null,
): ResourceObject[] {
  if (!include) return [];
  const seen = new Map<string, Entity>();
  for (const path of include.split(',').filter(Boolean)) {
    let level: Entity[] = [...primaries];
    for (const segment of path.split('.')) {
      const name = segment.replaceAll('_', '-');
      const next: Entity[] = [];
      for (const entity of level) {
        const relations = relationsOf(sim, entity);
        if (!(name in relations)) {
          throw new ApiError(
            400,
            'invalid include parameter',
            `${TYPE[entity.kind]} has no relationship ${segment}`,
          );
        }
        const related = relations[name];
        next.push(...(Array.isArray(related) ? related : related ? [related] : []));
      }
      for (const entity of next) seen.set(`${entity.kind}/${entity.id}`, entity);
      level = next;
    }
  }
  return [...seen.values()].map((entity) => toResource(sim, entity));
}

type Related = Entity | Entity[] | null;

function relationsOf(sim: SimContext, entity: Entity): Record<string, Related> {
  const { store } = sim;
  const get = <T>(map: Map<string, T>, id: string | null): T | null => (id ? (map.get(id) ?? null) : null);
  switch (entity.kind) {
    case 'workspace':
      return {
        organization: get(store.organizations, entity.organization),
        'current-run': get(store.runs, entity.currentRunId),
        'current-configuration-version': get(
          store.configurationVersions,
          entity.currentConfigurationVersionId,
        ),
        'current-state-version': get(store.stateVersions, entity.currentStateVersionId),
      };
    case 'var':
      return { configurable: get(store.workspaces, entity.workspaceId) };
    case 'run':
      return {
        workspace: get(store.workspaces, entity.workspaceId),
        'configuration-version': get(store.configurationVersions, entity.configurationVersionId),
        plan: get(store.plans, entity.planId),
        apply: get(store.applies, entity.applyId),
      };
    case 'apply':
      return {
        'state-versions': [...store.stateVersions.values()].filter((sv) => sv.runId === entity.runId),
      };
    case 'state-version':
      return {
        run: get(store.runs, entity.runId),
        workspace: get(store.workspaces, entity.workspaceId),
        outputs: entity.outputIds.map((id) => store.stateOutputs.get(id)!),
      };
    case 'organization':
    case 'configuration-version':
    case 'plan':
    case 'state-version-output':
      return {};
  }
}

function attributesOf(sim: SimContext, entity: Entity, options: SerializeOptions): Record<string, unknown> {
  switch (entity.kind) {
    case 'organization':
      return { name: entity.name };
    case 'workspace':
      return workspaceAttributes(sim, entity);
    case 'var':
      return {
        key: entity.key,
        value: entity.sensitive ? null : entity.value,
        description: entity.description,
        sensitive: entity.sensitive,
        category: entity.category,
        hcl: entity.hcl,
        'version-id': entity.versionId,
      };
    case 'configuration-version':
      return {
        'auto-queue-runs': entity.autoQueueRuns,
        error: entity.status === 'errored' ? 'invalid_configuration' : null,
        'error-message': entity.errorMessage,
        source: 'tfe-api',
        speculative: entity.speculative,
        provisional: entity.provisional,
        status: entity.status,
        'status-timestamps': { ...entity.statusTimestamps },
        'created-at': entity.createdAt,
      };
    case 'run':
      return runAttributes(sim, entity);
    case 'plan':
    case 'apply':
      return phaseAttributes(sim, entity);
    case 'state-version': {
      return {
        serial: entity.serial,
        'created-at': entity.createdAt,
        status: 'finalized',
        'resources-processed': sim.clock.ticks >= entity.processedAtTick,
        'hosted-state-download-url': null,
      };
    }
    case 'state-version-output':
      return {
        name: entity.name,
        sensitive: entity.sensitive,
        type: entity.type,
        value: entity.sensitive && !options.revealSensitiveOutputs ? null : entity.value,
        'detailed-type': entity.type,
      };
  }
}

function workspaceAttributes(sim: SimContext, ws: Workspace): Record<string, unknown> {
  const sv = ws.currentStateVersionId ? sim.store.stateVersions.get(ws.currentStateVersionId) : undefined;
  return {
    name: ws.name,
    description: ws.description,
    'auto-apply': ws.autoApply,
    'execution-mode': ws.executionMode,
    'terraform-version': ws.terraformVersion,
    'working-directory': ws.workingDirectory,
    locked: ws.locked,
    'resource-count': sv && sv.outputIds.length > 0 ? 1 : 0,
    source: 'tfe-api',
    'created-at': ws.createdAt,
    'updated-at': ws.updatedAt,
    actions: { 'is-destroyable': true },
    permissions: {
      'can-queue-run': true,
      'can-queue-apply': true,
      'can-update-variable': true,
      'can-read-state-outputs': true,
      'can-destroy': true,
    },
  };
}

function runAttributes(sim: SimContext, run: Run): Record<string, unknown> {
  const actions = actionsOf(run, Date.now());
  return {
    status: run.status,
    'status-timestamps': { ...run.statusTimestamps },
    message: run.message,
    source: run.source,
    'trigger-reason': run.triggerReason,
    'is-destroy': run.isDestroy,
    'auto-apply': run.autoApply,
    'plan-only': run.planOnly,
    refresh: true,
    'refresh-only': false,
    'has-changes': run.hasChanges,
    'created-at': run.createdAt,
    'canceled-at': run.canceledAt,
    ...(run.forceCancelAvailableAt ? { 'force-cancel-available-at': run.forceCancelAvailableAt } : {}),
    'position-in-queue': positionInQueue(sim, run),
    'terraform-version': sim.store.workspaces.get(run.workspaceId)?.terraformVersion ?? sim.terraformVersion,
    'target-addrs': null,
    'replace-addrs': null,
    variables: run.variables.map((variable) => ({ ...variable })),
    actions,
    permissions: {
      'can-apply': true,
      'can-cancel': true,
      'can-comment': true,
      'can-discard': true,
      'can-force-execute': true,
      'can-force-cancel': true,
      'can-override-policy-check': true,
    },
  };
}

function phaseAttributes(sim: SimContext, phase: Phase): Record<string, unknown> {
  return {
    status: phase.status,
    'status-timestamps': { ...phase.statusTimestamps },
    ...(phase.kind === 'plan' ? { 'has-changes': sim.store.runs.get(phase.runId)?.hasChanges ?? false } : {}),
    'resource-additions': phase.resourceAdditions,
    'resource-changes': phase.resourceChanges,
    'resource-destructions': phase.resourceDestructions,
    'resource-imports': 0,
    'execution-details': { mode: 'remote' },
    'log-read-url': `${sim.baseUrl}${LOG_PATH}/${phase.log.token}`,
  };
}

/** Where the simulator's archivist serves logs (no auth; the secret is in the path). */
export const LOG_PATH = '/_archivist/v1/logs';
/** Where the simulator's archivist accepts one-time configuration uploads. */
export const UPLOAD_PATH = '/_archivist/v1/object';

function selfLink(entity: Entity): string {
  switch (entity.kind) {
    case 'organization':
      return `${API}/organizations/${entity.name}`;
    case 'workspace':
      return `${API}/organizations/${entity.organization}/workspaces/${entity.name}`;
    case 'var':
      return `${API}/workspaces/${entity.workspaceId}/vars/${entity.id}`;
    case 'configuration-version':
      return `${API}/configuration-versions/${entity.id}`;
    case 'run':
      return `${API}/runs/${entity.id}`;
    case 'plan':
      return `${API}/plans/${entity.id}`;
    case 'apply':
      return `${API}/applies/${entity.id}`;
    case 'state-version':
      return `${API}/state-versions/${entity.id}`;
    case 'state-version-output':
      return `${API}/state-version-outputs/${entity.id}`;
  }
}
