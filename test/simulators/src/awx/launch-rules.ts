/**
 * AWX's launch accept/ignore rules (`JobTemplate._accept_or_ignore_job_kwargs` and
 * `SurveyJobTemplateMixin._accept_or_ignore_variables`), as a pure function of the template and the
 * request body:
 *
 * - a prompt field equal to the template's value is dropped silently; else accepted when its
 *   `ask_*_on_launch` is true; else reported in `ignored_fields` and the launch still proceeds;
 * - survey answers are validated and accepted whatever `ask_variables_on_launch` says; a missing
 *   required answer blocks the launch (400 `variables_needed_to_start`);
 * - other extra vars are accepted when `ask_variables_on_launch`, dropped when equal to the template's,
 *   otherwise ignored;
 * - no inventory, or a needed password not supplied, blocks the launch (400).
 */
import { badRequest, parseVars, type SimResponse } from './responses.js';
import type { AwxSimJobTemplate, AwxSimStore } from './store.js';
import { surveyDefaults, validateSurvey } from './survey.js';
import { AWX_SIM_OUTCOMES, type AwxSimJobPrompts, type AwxSimOutcome, OUTCOME_EXTRA_VAR } from './types.js';

export type LaunchDecision =
  | {
      ok: true;
      prompts: AwxSimJobPrompts;
      ignored: Record<string, unknown>;
      requestedOutcome: AwxSimOutcome | undefined;
    }
  | { ok: false; response: SimResponse };

type FieldKind = 'string' | 'integer' | 'boolean' | 'job_type' | 'pk' | 'pk_list';

/** Prompt fields other than extra_vars: their kind and the flag that lets them through. */
const PROMPT_FIELDS: Record<string, { kind: FieldKind; flag: keyof AwxSimJobTemplate }> = {
  inventory: { kind: 'pk', flag: 'ask_inventory_on_launch' },
  credentials: { kind: 'pk_list', flag: 'ask_credential_on_launch' },
  limit: { kind: 'string', flag: 'ask_limit_on_launch' },
  job_tags: { kind: 'string', flag: 'ask_tags_on_launch' },
  skip_tags: { kind: 'string', flag: 'ask_skip_tags_on_launch' },
  job_type: { kind: 'job_type', flag: 'ask_job_type_on_launch' },
  verbosity: { kind: 'integer', flag: 'ask_verbosity_on_launch' },
  diff_mode: { kind: 'boolean', flag: 'ask_diff_mode_on_launch' },
  scm_branch: { kind: 'string', flag: 'ask_scm_branch_on_launch' },
  forks: { kind: 'integer', flag: 'ask_forks_on_launch' },
  timeout: { kind: 'integer', flag: 'ask_timeout_on_launch' },
  job_slice_count: { kind: 'integer', flag: 'ask_job_slice_count_on_launch' },
  execution_environment: { kind: 'pk', flag: 'ask_execution_environment_on_launch' },
  labels: { kind: 'pk_list', flag: 'ask_labels_on_launch' },
  instance_groups: { kind: 'pk_list', flag: 'ask_instance_groups_on_launch' },
};

export function decideLaunch(store: AwxSimStore, jt: AwxSimJobTemplate, rawBody: unknown): LaunchDecision {
  const body = rawBody ?? {};
  if (typeof body !== 'object' || Array.isArray(body)) {
    return {
      ok: false,
      response: badRequest({ non_field_errors: ['Invalid data. Expected a dictionary.'] }),
    };
  }
  const data = { ...(body as Record<string, unknown>) };
  if (data.inventory === undefined && data.inventory_id !== undefined) data.inventory = data.inventory_id;

  const fieldErrors: Record<string, string[]> = {};
  for (const [field, { kind }] of Object.entries(PROMPT_FIELDS)) {
    const value = data[field];
    if (value === undefined || value === null) continue;
    const error = checkType(store, field, kind, value);
    if (error !== undefined) fieldErrors[field] = [error];
  }
  const runtimeVars = parseVars(data.extra_vars);
  if (runtimeVars === undefined) {
    fieldErrors.extra_vars = [
      'Cannot parse as JSON (error: Expecting value) or YAML (error: not a mapping).',
    ];
  }
  if (Object.keys(fieldErrors).length > 0 || runtimeVars === undefined) {
    return { ok: false, response: badRequest(fieldErrors) };
  }

  const requested = runtimeVars[OUTCOME_EXTRA_VAR];
  if (requested !== undefined && !AWX_SIM_OUTCOMES.includes(requested as AwxSimOutcome)) {
    const known = AWX_SIM_OUTCOMES.join(', ');
    return {
      ok: false,
      response: badRequest({ extra_vars: [`${OUTCOME_EXTRA_VAR} must be one of ${known}`] }),
    };
  }

  const accepted: Record<string, unknown> = {};
  const ignored: Record<string, unknown> = {};
  for (const [field, { flag }] of Object.entries(PROMPT_FIELDS)) {
    const value = data[field];
    if (value === undefined || value === null) continue;
    if (sameAsTemplate(jt, field, value)) continue;
    if (jt[flag] === true) accepted[field] = value;
    else ignored[field] = value;
  }

  const blocking: Record<string, string[]> = {};
  const { extraVars, ignoredVars, surveyErrors } = splitExtraVars(jt, runtimeVars);
  if (Object.keys(ignoredVars).length > 0) ignored.extra_vars = ignoredVars;
  if (surveyErrors.length > 0) blocking.variables_needed_to_start = surveyErrors;

  const credentials = (accepted.credentials as number[] | undefined) ?? jt.credentials;
  const supplied = {
    ...(typeof data.credential_passwords === 'object' && data.credential_passwords !== null
      ? (data.credential_passwords as Record<string, unknown>)
      : {}),
    ...data,
  };
  const missingPasswords = credentials
    .flatMap((id) => store.credentials.get(id)?.passwords_needed ?? [])
    .filter((name) => typeof supplied[name] !== 'string' || supplied[name] === '');
  if (missingPasswords.length > 0) blocking.passwords_needed_to_start = missingPasswords;

  const inventory = (accepted.inventory as number | undefined) ?? jt.inventory;
  if (inventory === null) {
    blocking.resources_needed_to_start = ['Job Template inventory is missing or undefined.'];
  }
  if (Object.keys(blocking).length > 0 || inventory === null) {
    return { ok: false, response: badRequest(blocking) };
  }

  const prompts: AwxSimJobPrompts = {
    extra_vars: extraVars,
    inventory,
    credentials,
    limit: (accepted.limit as string | undefined) ?? jt.limit,
    job_tags: (accepted.job_tags as string | undefined) ?? jt.job_tags,
    skip_tags: (accepted.skip_tags as string | undefined) ?? jt.skip_tags,
    job_type: (accepted.job_type as string | undefined) ?? jt.job_type,
    verbosity: (accepted.verbosity as number | undefined) ?? jt.verbosity,
    diff_mode: (accepted.diff_mode as boolean | undefined) ?? jt.diff_mode,
    scm_branch: (accepted.scm_branch as string | undefined) ?? jt.scm_branch,
    forks: (accepted.forks as number | undefined) ?? jt.forks,
    timeout: (accepted.timeout as number | undefined) ?? jt.timeout,
  };
  return { ok: true, prompts, ignored, requestedOutcome: requested as AwxSimOutcome | undefined };
}

/** Precedence in the created job: template vars, then survey defaults, then accepted runtime vars. */
function splitExtraVars(jt: AwxSimJobTemplate, runtime: Record<string, unknown>) {
  const remaining = { ...runtime };
  const accepted: Record<string, unknown> = {};
  const ignoredVars: Record<string, unknown> = {};
  const survey = jt.survey ?? [];
  const surveyErrors = validateSurvey(survey, runtime);
  for (const question of survey) {
    if (!(question.variable in remaining)) continue;
    if (surveyErrors.some((e) => e.includes(`'${question.variable}'`)))
      ignoredVars[question.variable] = remaining[question.variable];
    else accepted[question.variable] = remaining[question.variable];
    delete remaining[question.variable];
  }
  for (const [key, value] of Object.entries(remaining)) {
    if (jt.ask_variables_on_launch) accepted[key] = value;
    else if (!deepEqual(jt.extra_vars[key], value)) ignoredVars[key] = value;
  }
  return {
    extraVars: { ...jt.extra_vars, ...surveyDefaults(survey, runtime), ...accepted },
    ignoredVars,
    surveyErrors,
  };
}

function checkType(store: AwxSimStore, field: string, kind: FieldKind, value: unknown): string | undefined {
  switch (kind) {
    case 'string':
      return typeof value === 'string' ? undefined : 'Not a valid string.';
    case 'integer':
      return Number.isInteger(value) ? undefined : 'A valid integer is required.';
    case 'boolean':
      return typeof value === 'boolean' ? undefined : 'Must be a valid boolean.';
    case 'job_type':
      return value === 'run' || value === 'check' ? undefined : `"${String(value)}" is not a valid choice.`;
    case 'pk':
      return pkError(store, field, value);
    case 'pk_list':
      if (!Array.isArray(value)) {
        return typeof value === 'object'
          ? `Cannot use dictionary for ${field}.`
          : `Expected a list of items but got type "${typeof value}".`;
      }
      for (const item of value) {
        const error = pkError(store, field, item);
        if (error !== undefined) return error;
      }
      return undefined;
  }
}

function pkError(store: AwxSimStore, field: string, value: unknown): string | undefined {
  if (!Number.isInteger(value)) return `Incorrect type. Expected pk value, received ${typeof value}.`;
  const exists =
    field === 'inventory'
      ? store.inventories.has(value as number)
      : field === 'credentials'
        ? store.credentials.has(value as number)
        : true;
  return exists ? undefined : `Invalid pk "${String(value)}" - object does not exist.`;
}

function sameAsTemplate(jt: AwxSimJobTemplate, field: string, value: unknown): boolean {
  if (field === 'credentials' && Array.isArray(value)) {
    return (
      value.length === jt.credentials.length && value.every((id) => jt.credentials.includes(id as number))
    );
  }
  return field in jt && deepEqual((jt as unknown as Record<string, unknown>)[field], value);
}

function deepEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
