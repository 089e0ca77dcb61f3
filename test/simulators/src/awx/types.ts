/**
 * The shapes a test hands the AWX simulator (seeds, scripted outcomes, faults) and the shapes the
 * simulator keeps in memory. Field names of stored records follow AWX's snake_case where they are
 * serialised as-is, so the serialisers stay thin.
 */

/** How a job ends, or fails to: the simulator's scriptable outcomes. */
export type AwxSimOutcome =
  /** Runs its tasks and ends `successful`. */
  | 'successful'
  /** Runs; the last task fails on the host; ends `failed` with `host_status_counts.failures`. */
  | 'failed'
  /** Runs; the host is unreachable; ends `failed` with `host_status_counts.dark`. */
  | 'unreachable'
  /** Never runs: goes from `waiting` to `error` with `job_explanation` and `result_traceback`. */
  | 'error'
  /** Stays `pending` (capacity starvation) until canceled. */
  | 'stuck_pending'
  /** Enters `running` and stays there for `slowRunningMs` before succeeding. */
  | 'slow_running';

export const AWX_SIM_OUTCOMES: readonly AwxSimOutcome[] = [
  'successful',
  'failed',
  'unreachable',
  'error',
  'stuck_pending',
  'slow_running',
];

/** The extra var that scripts the outcome of one launch (read from the request, accepted or not). */
export const OUTCOME_EXTRA_VAR = 'oo_sim_outcome';

export type AwxSimJobStatus =
  | 'new'
  | 'pending'
  | 'waiting'
  | 'running'
  | 'successful'
  | 'failed'
  | 'error'
  | 'canceled';

export const TERMINAL_STATUSES: ReadonlySet<AwxSimJobStatus> = new Set([
  'successful',
  'failed',
  'error',
  'canceled',
]);

/** One survey question (AWX survey_spec.spec item). */
export interface AwxSimSurveyQuestion {
  variable: string;
  question_name?: string;
  type: 'text' | 'textarea' | 'password' | 'integer' | 'float' | 'multiplechoice' | 'multiselect';
  required?: boolean;
  /** For text types a length bound, for numbers a value bound. */
  min?: number;
  max?: number;
  /** Newline-separated string or list, as AWX accepts both. */
  choices?: string | string[];
  default?: unknown;
}

/** The `ask_*_on_launch` flags, all false unless seeded. */
export interface AwxSimPromptFlags {
  ask_variables_on_launch: boolean;
  ask_limit_on_launch: boolean;
  ask_inventory_on_launch: boolean;
  ask_credential_on_launch: boolean;
  ask_tags_on_launch: boolean;
  ask_skip_tags_on_launch: boolean;
  ask_job_type_on_launch: boolean;
  ask_verbosity_on_launch: boolean;
  ask_diff_mode_on_launch: boolean;
  ask_scm_branch_on_launch: boolean;
  ask_execution_environment_on_launch: boolean;
  ask_labels_on_launch: boolean;
  ask_forks_on_launch: boolean;
  ask_job_slice_count_on_launch: boolean;
  ask_timeout_on_launch: boolean;
  ask_instance_groups_on_launch: boolean;
}

export interface AwxSimJobTemplateSeed extends Partial<AwxSimPromptFlags> {
  name: string;
  description?: string;
  /** Organisation name (default "Default"). */
  organization?: string;
  /** Inventory name; `null` for a template without inventory (default "oo-inventory"). */
  inventory?: string | null;
  playbook?: string;
  /** The template's own extra vars. */
  extra_vars?: Record<string, unknown>;
  limit?: string;
  /** Credential names attached to the template. */
  credentials?: string[];
  survey?: AwxSimSurveyQuestion[];
  /** Outcome of jobs launched from this template unless scripted otherwise (default successful). */
  outcome?: AwxSimOutcome;
  /** Tasks each job runs: two events each (default 2). */
  tasks?: number;
  /** What `set_stats` would publish; becomes the job's `artifacts` on success. */
  artifacts?: Record<string, unknown>;
  /** Launching answers 403 (the user lacks execute). */
  forbidden?: boolean;
}

export interface AwxSimInventorySeed {
  name: string;
  organization?: string;
  hosts?: string[];
}

export interface AwxSimCredentialSeed {
  name: string;
  credential_type?: number;
  /** Passwords to supply at launch (e.g. "ssh_password"), giving `passwords_needed_to_start`. */
  passwords_needed?: string[];
}

export interface AwxSimTokenSeed {
  token: string;
  /** A read-scoped token: writes answer 403. */
  readOnly?: boolean;
}

/** One injected fault: the next `times` requests matching `method` and `path` misbehave. */
export interface AwxSimFault {
  /** HTTP method to match; any when omitted. */
  method?: string;
  /** Matched against the request path (query excluded); a string is a RegExp source. */
  path: RegExp | string;
  /** Answer with `status`, reset the connection, or answer normally after `delayMs`. */
  kind: 'status' | 'reset' | 'delay';
  /** For `status` (e.g. 503, or 401 for an expired token). */
  status?: number;
  /** For `delay` (ms). */
  delayMs?: number;
  /**
   * `before` (default): the request is not processed. `after`: it is processed (a launch creates
   * its job) and only the answer is lost — the case that makes blind POST retries duplicate jobs.
   */
  when?: 'before' | 'after';
  /** How many matching requests (default 1). */
  times?: number;
}

export interface AwxSimHost {
  id: number;
  name: string;
  description: string;
  inventory: number;
  enabled: boolean;
  instance_id: string;
  variables: string;
  created: string;
  modified: string;
}

export interface AwxSimEvent {
  id: number;
  job: number;
  event: string;
  counter: number;
  event_data: Record<string, unknown>;
  failed: boolean;
  changed: boolean;
  host_name: string;
  task: string;
  play: string;
  stdout: string;
  start_line: number;
  end_line: number;
  created: string;
}

/** Prompts a job was launched with; a relaunch copies them. */
export interface AwxSimJobPrompts {
  extra_vars: Record<string, unknown>;
  inventory: number | null;
  limit: string;
  credentials: number[];
  job_tags: string;
  skip_tags: string;
  job_type: string;
  verbosity: number;
  diff_mode: boolean;
  scm_branch: string;
  forks: number;
  timeout: number;
}

export interface AwxSimJob {
  id: number;
  job_template: number;
  name: string;
  prompts: AwxSimJobPrompts;
  launch_type: 'manual' | 'relaunch';
  status: AwxSimJobStatus;
  /** Every status the job has had, in order, `new` first. */
  history: AwxSimJobStatus[];
  outcome: AwxSimOutcome;
  /** The outcome requested by the launch's magic extra var, copied by a relaunch. */
  requestedOutcome: AwxSimOutcome | undefined;
  created: string;
  modified: string;
  started: string | null;
  finished: string | null;
  startedMs: number | null;
  finishedMs: number | null;
  canceled_on: string | null;
  job_explanation: string;
  result_traceback: string;
  event_processing_finished: boolean;
  artifacts: Record<string, unknown>;
  host_status_counts: Record<string, number> | null;
  events: AwxSimEvent[];
  relaunched_from: number | null;
}
