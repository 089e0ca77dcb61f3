// Every export carries a Tfe prefix: the package index re-exports the AWX simulator beside this one.

export type { TokenKind as TfeTokenKind, TokenSpec as TfeTokenSpec } from './auth.js';
export type {
  RequestFilter as TfeRequestFilter,
  ScenarioTarget as TfeScenarioTarget,
  TfeSimulatorControl,
  UploadReport as TfeUploadReport,
  WorkspaceReport as TfeWorkspaceReport,
} from './control.js';
export type { FaultInput as TfeFault, FaultRule as TfeFaultRule } from './faults.js';
export type {
  OutputsInput as TfeOutputsInput,
  OutputsOption as TfeOutputsOption,
  SimOutput as TfeSimOutput,
} from './outputs.js';
export type { ScenarioName as TfeScenario } from './scenarios.js';
export { SCENARIO_NAMES as TFE_SCENARIOS } from './scenarios.js';
export type { RequestRecord as TfeRequestRecord } from './sim-context.js';
export type { TfeSimulator, TfeSimulatorOptions } from './simulator.js';
export { startTfeSimulator } from './simulator.js';
