/** @oo/engine: workflow templates and the pure DAG planner the engine actor runs around. */

export { childRunIdOf } from './dispatch.js';
export type { EngineOptions } from './engine-actor.js';
export { ENGINE_DEFAULTS, engineActor } from './engine-actor.js';
export type { InputIssue } from './input-schema.js';
export { reloadedRegistry } from './live-templates.js';
export type { CompiledTask, LoadedTemplate, Problem } from './loaded-template.js';
export { CHILD_RUN_TASK_TYPE } from './loaded-template.js';
export type { ResolvedOutput, ResolvedOutputs } from './output-refs.js';
export { refKey } from './output-refs.js';
export { plan } from './planner.js';
export type { PlanLimits, PlannerCommand, PlannerEvent, PlanResult } from './planner-types.js';
export { ForEachState, isTerminalRun, isTerminalTask, RunState, TaskState } from './run-state.js';
export { rejectStart } from './start-run.js';
export type { TemplatesFolderWatch } from './template-folder-watch.js';
export { templatesFolderSignature, watchTemplatesFolder } from './template-folder-watch.js';
export { compileTemplate, formatProblem, loadTemplatesDir } from './template-loader.js';
export type { TemplateRegistry } from './template-registry.js';
export { createTemplateRegistry, registryChanges } from './template-registry.js';
