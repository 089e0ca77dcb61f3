import type { ErrorSpec } from '../error-spec.js';

/** Error codes of the workflow area (OO_ERR_WORKFLOW_*). Merged into ErrorRegistry in errors.ts. */
export const WorkflowErrors = {
  OO_ERR_WORKFLOW_TEMPLATE_INVALID: {
    meaning:
      'A workflow template failed its load-time checks; `details.problems` lists every problem as { file, task?, path?, code, reason }.',
    retryable: false,
    http: 422,
    fix: 'Correct each problem listed (the file, the task id and the field are named), then reload.',
  },
  OO_ERR_WORKFLOW_TEMPLATE_DUPLICATE: {
    meaning: 'Two template files, or two loads, declare the same name and version with different content.',
    retryable: false,
    http: 409,
    fix: 'Bump `version` when a template changes; a name@version is immutable once loaded.',
  },
  OO_ERR_WORKFLOW_TEMPLATE_NOT_FOUND: {
    meaning: 'No loaded template has the requested name (and version).',
    retryable: false,
    http: 404,
    fix: 'Check the template name and version against `templates/`, or drop the version to use the newest.',
  },
  OO_ERR_WORKFLOW_TASK_TYPE_UNKNOWN: {
    meaning: 'A template task names a type that no task runner in the catalog provides.',
    retryable: false,
    http: 422,
    fix: 'Use a type from the task catalog, or deploy the runner that defines it.',
  },
  OO_ERR_WORKFLOW_NEEDS_UNKNOWN: {
    meaning:
      'A task `needs` (or an expression reads `tasks.<id>` of) a task id the template does not define.',
    retryable: false,
    http: 422,
    fix: 'Correct the task id, or add the missing task to the template.',
  },
  OO_ERR_WORKFLOW_NEEDS_MISSING: {
    meaning:
      'An expression reads `tasks.<id>` of a task that is not among its task’s needs (directly or through them), so the value would depend on timing.',
    retryable: false,
    http: 422,
    fix: 'Add the task id to `needs`.',
  },
  OO_ERR_WORKFLOW_CYCLE: {
    meaning: 'The `needs` of a template form a cycle, so no task in it could ever start.',
    retryable: false,
    http: 422,
    fix: 'Break the cycle named in the message by removing one of its `needs`.',
  },
  OO_ERR_WORKFLOW_EXPRESSION_SYNTAX: {
    meaning: 'A template expression (a string starting with `=`) is not valid JSONata.',
    retryable: false,
    http: 422,
    fix: 'Correct the expression at the field path named in the message; write `==` for a literal leading `=`.',
  },
  OO_ERR_WORKFLOW_INPUT_SCHEMA_INVALID: {
    meaning: 'The `input` of a template is not a valid JSON Schema (draft-07, 2019-09 or 2020-12).',
    retryable: false,
    http: 422,
    fix: 'Correct the schema; unknown keywords are rejected so typos do not silently accept anything.',
  },
  OO_ERR_WORKFLOW_INPUT_INVALID: {
    meaning:
      'The input of a run does not match its template’s input schema; `details.issues` lists every { path, message }.',
    retryable: false,
    http: 422,
    fix: 'Correct the fields named in `details.issues`.',
  },
  OO_ERR_WORKFLOW_EXPRESSION: {
    meaning:
      'A template expression failed while being evaluated (a `when`, an input, `forEach.items` or the run output).',
    retryable: false,
    fix: 'Read `details` (task, field, JSONata code and position) and correct the expression or the data it reads.',
  },
  OO_ERR_WORKFLOW_FOREACH_ITEMS: {
    meaning: 'The `forEach.items` expression of a task did not evaluate to an array.',
    retryable: false,
    fix: 'Make the expression return an array (wrap a single value in `[ ]`).',
  },
  OO_ERR_WORKFLOW_TASK_ABANDONED: {
    meaning:
      'A task was in flight, sent again by the reconciler, and no runner took or finished it within the engine’s `abandonAfterMs` (24 h by default): no runner hosting its type was running.',
    retryable: false,
    fix: 'Start a runner that hosts the type named in the message (`oo actor <runner>`; its presence shows in `oo status`), then rerun the request with `resume`.',
  },
  OO_ERR_WORKFLOW_RERUN_UNAVAILABLE: {
    meaning:
      'A `resume` names a run whose state the engine no longer keeps: runs are removed `engine.keepEndedRunsMs` (30 days by default) after they end.',
    retryable: false,
    http: 410,
    fix: 'Rerun with `restart`: every task runs again.',
  },
  OO_ERR_WORKFLOW_STATE_NEWER: {
    meaning:
      'An engine found a run state written by a newer engine version, in a layout it does not know, and left the run alone rather than misread it.',
    retryable: true,
    fix: 'Finish upgrading the engine replicas; the newer ones take the run. A dead letter with this code means none ran.',
  },
  OO_ERR_WORKFLOW_CHILD_INPUT_INVALID: {
    meaning: 'The evaluated input of a `workflow.run` task is not { template, version?, input }.',
    retryable: false,
    fix: 'Give the task an input with a `template` name, an optional integer `version` and the child `input`.',
  },
  OO_ERR_WORKFLOW_CHILD_FAILED: {
    meaning: 'A child run ended failed or cancelled without an error of its own.',
    retryable: false,
    fix: 'Look at the child run (its id is in `details.childRunId`).',
  },
  OO_ERR_WORKFLOW_TASK_FAILED: {
    meaning: 'A task runner reported a failure without an error.',
    retryable: false,
    fix: 'Fix the runner so every failure carries an OoError with a precise code.',
  },
  OO_ERR_WORKFLOW_RUN_NOT_FOUND: {
    meaning: 'An event arrived for a run the engine holds no state for.',
    retryable: false,
    http: 404,
    fix: 'Check the run id; a run exists only after its start command was handled.',
  },
  OO_ERR_WORKFLOW_TASK_INPUT: {
    meaning:
      'A task message’s input does not match its task type’s input schema; `details.issues` lists { path, message }.',
    retryable: false,
    fix: 'Correct the task’s `input` in the template (the fields are named), or the expression that computes it.',
  },
  OO_ERR_WORKFLOW_TASK_OUTPUT: {
    meaning: 'A task returned an output that does not match its output schema, or is not JSON.',
    retryable: false,
    fix: 'A bug in the task: make `run` return what its `output` schema declares (`details.issues`).',
  },
  OO_ERR_WORKFLOW_OUTPUT_UNAVAILABLE: {
    meaning:
      'A large output (or the large items of a running forEach) kept by reference in the `outputs` object store is missing (expired after 30 days, or deleted) or no longer matches its sha256; `details` names the task (`outputOf`, or `task` for items) and the object.',
    retryable: false,
    fix: 'Run the task that produced it again (a `restart` rerun, or a `resume` before its outputs expire); if it was replaced by another delivery of the same task, raise the runner’s ack wait.',
  },
  OO_ERR_WORKFLOW_TASK_VARS_CONFLICT: {
    meaning:
      'Another delivery of the same task wrote its variables in between (a stuck attempt and its redelivery).',
    retryable: true,
    fix: 'Nothing usually: the attempt is retried with the stored variables. If frequent, raise the runner’s ack wait.',
  },
  OO_ERR_WORKFLOW_TASK_VARS_INVALID: {
    meaning: 'A task stored a variable that is not JSON or does not match its `vars` schema.',
    retryable: false,
    fix: 'A bug in the task: store JSON values that fit its declared `vars`.',
  },
  OO_ERR_WORKFLOW_SECRET_MISSING: {
    meaning: 'A task needs a secret that is not configured.',
    retryable: false,
    fix: 'Set the environment variable `OO_SECRET_<NAME>` on the runner (the name is in `details.secret`).',
  },
  OO_ERR_WORKFLOW_HTTP_UNREACHABLE: {
    meaning: 'An HTTP call of a task got no response (connection refused or reset, DNS failure).',
    retryable: true,
    http: 502,
    fix: 'Check the URL and that the service is up and reachable from the runner.',
  },
  OO_ERR_WORKFLOW_HTTP_STATUS: {
    meaning:
      'An HTTP call of a task answered a status it did not expect; retryable for 5xx and 429, not otherwise.',
    retryable: false,
    http: 502,
    fix: 'Read `details` (method, url, status, expected); fix the request for a 4xx, the service for a 5xx.',
  },
  OO_ERR_WORKFLOW_FAIL_TASK: {
    meaning: 'The `fail` task failed on purpose (used to test retries and failure handling).',
    retryable: true,
    fix: 'Nothing: it was asked to. Lower its `times` or remove it.',
  },
} as const satisfies Record<string, ErrorSpec>;
