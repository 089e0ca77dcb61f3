/**
 * Runs (tfe-api.md §5): create, show, list, find by message, act on, wait for. Readiness for apply is
 * read from `actions.is-confirmable`, never from a status name: which status a run pauses in depends
 * on the organization's features (cost estimation, policies, run tasks).
 *
 * Exactly-once creation: `createRun` is a POST and never retried. When it fails with
 * OO_ERR_TFE_OUTCOME_UNKNOWN the run may exist; put a unique task key in `message` and look for it
 * with `findRunByMessage` before creating again.
 */
import { z } from 'zod';
import type { Transport } from './http-transport.js';
import { attributes, document, list, type ResourceObject, relatedId, single } from './json-api.js';
import type { CallOptions, WaitOptions } from './types.js';
import { pollUntil } from './wait.js';

export type TfeRunStatus =
  | 'pending'
  | 'fetching'
  | 'fetching_completed'
  | 'pre_plan_running'
  | 'pre_plan_completed'
  | 'queuing'
  | 'plan_queued'
  | 'planning'
  | 'planned'
  | 'cost_estimating'
  | 'cost_estimated'
  | 'policy_checking'
  | 'policy_override'
  | 'policy_soft_failed'
  | 'policy_checked'
  | 'post_plan_running'
  | 'post_plan_completed'
  | 'planned_and_saved'
  | 'confirmed'
  | 'apply_queued'
  | 'queuing_apply'
  | 'pre_apply_running'
  | 'pre_apply_completed'
  | 'applying'
  | 'post_apply_running'
  | 'post_apply_completed'
  | 'applied'
  | 'planned_and_finished'
  | 'discarded'
  | 'errored'
  | 'canceled'
  | 'force_canceled'
  | (string & {});

export interface TfeRunActions {
  readonly isConfirmable: boolean;
  readonly isDiscardable: boolean;
  readonly isCancelable: boolean;
  readonly isForceCancelable: boolean;
}

export interface TfeRun {
  readonly id: string;
  readonly status: TfeRunStatus;
  readonly message: string;
  readonly source: string | undefined;
  readonly isDestroy: boolean;
  readonly autoApply: boolean;
  readonly planOnly: boolean;
  readonly hasChanges: boolean;
  readonly positionInQueue: number | undefined;
  readonly createdAt: string | undefined;
  readonly statusTimestamps: Readonly<Record<string, string>>;
  readonly actions: TfeRunActions;
  readonly workspaceId: string | undefined;
  readonly configurationVersionId: string | undefined;
  readonly planId: string | undefined;
  readonly applyId: string | undefined;
}

export interface RunCreateInput {
  readonly workspaceId: string;
  /** Default: the workspace's latest configuration version. */
  readonly configurationVersionId?: string;
  /** Put the task key here: it is how a run is found again after a crash. */
  readonly message: string;
  readonly isDestroy?: boolean;
  /** Default: the workspace's `auto-apply`. */
  readonly autoApply?: boolean;
  /** Per-run overrides; values are HCL literals (strings quoted: `"\"web01\""`). */
  readonly variables?: readonly { readonly key: string; readonly value: string }[];
}

/** Final states of tfe-api.md §5.3. */
const FINAL: ReadonlySet<string> = new Set([
  'applied',
  'planned_and_finished',
  'policy_soft_failed',
  'discarded',
  'errored',
  'canceled',
  'force_canceled',
]);

export const isRunFinal = (run: TfeRun): boolean => FINAL.has(run.status);

/** Waiting for someone to apply (or discard) it. */
export const isRunAwaitingConfirmation = (run: TfeRun): boolean => run.actions.isConfirmable;

/** Nothing will happen without a decision: awaiting confirmation or final. */
export const isRunSettled = (run: TfeRun): boolean => isRunAwaitingConfirmation(run) || isRunFinal(run);

const Attributes = z.object({
  status: z.string(),
  message: z.string().nullish(),
  source: z.string().optional(),
  'is-destroy': z.boolean().default(false),
  'auto-apply': z.boolean().default(false),
  'plan-only': z.boolean().default(false),
  'has-changes': z.boolean().default(false),
  'position-in-queue': z.number().nullish(),
  'created-at': z.string().optional(),
  'status-timestamps': z.record(z.string(), z.string()).default({}),
  actions: z
    .object({
      'is-confirmable': z.boolean().default(false),
      'is-discardable': z.boolean().default(false),
      'is-cancelable': z.boolean().default(false),
      'is-force-cancelable': z.boolean().default(false),
    })
    .default({
      'is-confirmable': false,
      'is-discardable': false,
      'is-cancelable': false,
      'is-force-cancelable': false,
    }),
});

function toRun(resource: ResourceObject): TfeRun {
  const a = attributes(resource, Attributes, 'a run');
  return {
    id: resource.id,
    status: a.status,
    message: a.message ?? '',
    source: a.source,
    isDestroy: a['is-destroy'],
    autoApply: a['auto-apply'],
    planOnly: a['plan-only'],
    hasChanges: a['has-changes'],
    positionInQueue: a['position-in-queue'] ?? undefined,
    createdAt: a['created-at'],
    statusTimestamps: a['status-timestamps'],
    actions: {
      isConfirmable: a.actions['is-confirmable'],
      isDiscardable: a.actions['is-discardable'],
      isCancelable: a.actions['is-cancelable'],
      isForceCancelable: a.actions['is-force-cancelable'],
    },
    workspaceId: relatedId(resource, 'workspace'),
    configurationVersionId: relatedId(resource, 'configuration-version'),
    planId: relatedId(resource, 'plan'),
    applyId: relatedId(resource, 'apply'),
  };
}

/**
 * Throws OO_ERR_TFE_NOT_FOUND for an unknown workspace, OO_ERR_TFE_VALIDATION when the configuration
 * is not uploaded, OO_ERR_TFE_OUTCOME_UNKNOWN when the run may or may not exist. Never retried.
 */
export async function createRun(
  t: Transport,
  input: RunCreateInput,
  options: CallOptions = {},
): Promise<TfeRun> {
  const body = await t.api({
    method: 'POST',
    path: '/runs',
    body: document(
      'runs',
      {
        message: input.message,
        'is-destroy': input.isDestroy ?? false,
        'auto-apply': input.autoApply,
        variables: input.variables?.map((v) => ({ key: v.key, value: v.value })),
      },
      {
        workspace: { type: 'workspaces', id: input.workspaceId },
        'configuration-version': input.configurationVersionId
          ? { type: 'configuration-versions', id: input.configurationVersionId }
          : undefined,
      },
    ),
    signal: options.signal,
  });
  return toRun(single(body, 'runs', 'create run'));
}

export async function getRun(t: Transport, runId: string, options: CallOptions = {}): Promise<TfeRun> {
  const body = await t.api({
    method: 'GET',
    path: `/runs/${encodeURIComponent(runId)}`,
    signal: options.signal,
  });
  return toRun(single(body, 'runs', 'show run'));
}

export interface RunPage {
  /** Newest first. */
  readonly runs: TfeRun[];
  readonly nextPage: number | undefined;
}

/** One page of the workspace's runs, newest first. TFE rate-limits this endpoint to 30/min. */
export async function listRuns(
  t: Transport,
  workspaceId: string,
  page: { readonly pageNumber?: number; readonly pageSize?: number } = {},
  options: CallOptions = {},
): Promise<RunPage> {
  const body = await t.api({
    method: 'GET',
    path: `/workspaces/${encodeURIComponent(workspaceId)}/runs`,
    query: { 'page[number]': page.pageNumber ?? 1, 'page[size]': page.pageSize ?? 20 },
    signal: options.signal,
  });
  const { items, nextPage } = list(body, 'runs', 'list runs');
  return { runs: items.map(toRun), nextPage };
}

/**
 * The newest run of the workspace whose message contains `text` (a task key), looking at up to
 * `maxPages` pages of 100 runs; undefined when none does.
 */
export async function findRunByMessage(
  t: Transport,
  workspaceId: string,
  text: string,
  options: CallOptions & { readonly maxPages?: number } = {},
): Promise<TfeRun | undefined> {
  const maxPages = options.maxPages ?? 3;
  for (let page: number | undefined = 1; page !== undefined && page <= maxPages; ) {
    const result = await listRuns(t, workspaceId, { pageNumber: page, pageSize: 100 }, options);
    const found = result.runs.find((run) => run.message.includes(text));
    if (found) return found;
    page = result.nextPage;
  }
  return undefined;
}

export type RunAction = 'apply' | 'discard' | 'cancel' | 'force-cancel';

/**
 * POST `/runs/{id}/actions/{action}`: TFE accepts (202) and acts asynchronously. Throws
 * OO_ERR_TFE_CONFLICT when the run's state does not allow it. Never retried: re-read the run instead.
 */
export async function runAction(
  t: Transport,
  runId: string,
  action: RunAction,
  comment: string | undefined,
  options: CallOptions = {},
): Promise<void> {
  await t.api({
    method: 'POST',
    path: `/runs/${encodeURIComponent(runId)}/actions/${action}`,
    // Action endpoints take plain JSON, not a JSON:API envelope (tfe-api.md §1).
    body: comment === undefined ? {} : { comment },
    signal: options.signal,
  });
}

/** Polls the run until `until(run)` (default: awaiting confirmation or final). */
export function waitForRun(
  t: Transport,
  runId: string,
  until: (run: TfeRun) => boolean = isRunSettled,
  options: WaitOptions = {},
): Promise<TfeRun> {
  return pollUntil(
    () => getRun(t, runId, options),
    until,
    `run ${runId}`,
    (run) => ({ runId, status: run.status }),
    options,
  );
}
