export type { AwxSimUser } from './auth.js';
export type {
  AwxSimJobSummary,
  AwxSimJobTemplatePatch,
  AwxSimRequestRecord,
  AwxSimulatorControl,
} from './control.js';
export type { AwxSimFaultState } from './faults.js';
export type { AwxSimulator, AwxSimulatorOptions } from './server.js';
export { startAwxSimulator } from './server.js';
export type { AwxSimSeed } from './store.js';
export { DEFAULT_AWX_SEED } from './store.js';
export type {
  AwxSimCredentialSeed,
  AwxSimFault,
  AwxSimInventorySeed,
  AwxSimJobStatus,
  AwxSimJobTemplateSeed,
  AwxSimOutcome,
  AwxSimPromptFlags,
  AwxSimSurveyQuestion,
  AwxSimTokenSeed,
} from './types.js';
export { AWX_SIM_OUTCOMES, OUTCOME_EXTRA_VAR as AWX_SIM_OUTCOME_VAR } from './types.js';
