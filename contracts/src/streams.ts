/**
 * Streams, KV buckets and object stores, with explicit limits. The runtime provisions exactly these
 * at start (idempotently), so every limit that matters in production is visible in one place.
 */

export const StreamNames = {
  commands: 'OO_CMD',
  events: 'OO_EVT',
  tasks: 'OO_TASK',
  deadLetters: 'OO_DLQ',
} as const;
export type StreamName = (typeof StreamNames)[keyof typeof StreamNames];

const DAY_MS = 24 * 60 * 60 * 1000;
const GIB = 1024 * 1024 * 1024;

export interface StreamSpec {
  readonly name: StreamName;
  readonly subjects: readonly string[];
  /** Messages older than this are removed (ms). */
  readonly maxAgeMs: number;
  /** The stream never grows past this many bytes; the oldest messages go first. */
  readonly maxBytes: number;
  /** A repeated `Nats-Msg-Id` inside this window is dropped (ms). */
  readonly duplicateWindowMs: number;
  readonly description: string;
}

export const Streams: readonly StreamSpec[] = [
  {
    name: StreamNames.commands,
    subjects: ['oo.cmd.>'],
    maxAgeMs: 7 * DAY_MS,
    maxBytes: 2 * GIB,
    duplicateWindowMs: 2 * 60 * 1000,
    description: 'Commands, each handled by one actor type',
  },
  {
    name: StreamNames.events,
    subjects: ['oo.evt.>'],
    // Events are the ledger's source of truth for rebuilds: keep them longest.
    maxAgeMs: 30 * DAY_MS,
    maxBytes: 8 * GIB,
    duplicateWindowMs: 2 * 60 * 1000,
    description: 'Facts, fanned out to every interested actor',
  },
  {
    name: StreamNames.tasks,
    subjects: ['oo.task.>'],
    maxAgeMs: 7 * DAY_MS,
    maxBytes: 2 * GIB,
    duplicateWindowMs: 2 * 60 * 1000,
    description: 'Work items for task runners',
  },
  {
    name: StreamNames.deadLetters,
    subjects: ['oo.dlq.>'],
    maxAgeMs: 30 * DAY_MS,
    maxBytes: 1 * GIB,
    duplicateWindowMs: 2 * 60 * 1000,
    description: 'Messages an actor could not handle, with the reason',
  },
];

export interface BucketSpec {
  readonly name: string;
  /** Entries older than this expire (ms); 0 keeps them. */
  readonly ttlMs: number;
  readonly history: number;
  readonly description: string;
}

export const BucketNames = {
  presence: 'presence',
  runs: 'runs',
  runSegments: 'run_segments',
  taskVars: 'task_vars',
  templates: 'templates',
  requests: 'requests',
  runEnds: 'run_ends',
  handlerFailures: 'handler_failures',
} as const;

/**
 * How long the requests actor keeps an ended request's record in the `requests` bucket by default
 * (`requests.keepEndedRequestsMs`): a rerun needs it, so the gateway refuses a rerun past it.
 */
export const KEEP_ENDED_REQUESTS_MS = 30 * DAY_MS;

/**
 * How long the engine keeps an ended run's state by default (`engine.keepEndedRunsMs`). A start
 * for a run it keeps does nothing; the requests actor sends a start again only while that holds.
 */
export const KEEP_ENDED_RUNS_MS = 30 * DAY_MS;

/**
 * Object names in `files` the requests actor owns: one request file each, `requests/<requestId>.json`.
 * Each goes with its request's record; the filestore's retention of uploads leaves them alone.
 */
export const REQUEST_FILES_PREFIX = 'requests/';

/** How long a presence entry lives without a heartbeat; a killed instance is gone within this. */
export const PRESENCE_TTL_MS = 15_000;
/** How often each instance writes its presence entry. */
export const PRESENCE_INTERVAL_MS = 5_000;

export const Buckets: readonly BucketSpec[] = [
  {
    name: BucketNames.presence,
    ttlMs: PRESENCE_TTL_MS,
    history: 1,
    description: 'Actor instances alive now: one heartbeat entry per instance',
  },
  { name: BucketNames.runs, ttlMs: 0, history: 1, description: 'Workflow run state, one key per run' },
  {
    name: BucketNames.runSegments,
    ttlMs: 0,
    history: 1,
    description:
      'Parts of big runs sealed out of their run state: ended tasks, and forEach outputs until the forEach ends; a segment is written once, never changed',
  },
  {
    name: BucketNames.templates,
    ttlMs: 0,
    history: 1,
    description: 'Every template version a run started with, so a changed file never alters a running run',
  },
  {
    name: BucketNames.taskVars,
    ttlMs: 30 * DAY_MS,
    history: 1,
    description: 'Task variables persisted per run and task',
  },
  {
    name: BucketNames.runEnds,
    ttlMs: 30 * DAY_MS,
    history: 1,
    description:
      'Runs that ended cancelled or failed, written by the engine: a runner that was down when a run ended still drops its tasks and calls their onCancel',
  },
  {
    name: BucketNames.requests,
    ttlMs: 0,
    history: 1,
    description: 'The requests actor’s record of each request: ids, template, run, status',
  },
  {
    name: BucketNames.handlerFailures,
    ttlMs: 7 * DAY_MS,
    history: 1,
    description:
      'Failed attempts of each message a plain handler retries, per consumer and stream sequence: deliveries answered with ctx.again are not attempts',
  },
];

export const ObjectStoreNames = {
  files: 'files',
  outputs: 'outputs',
} as const;

export interface ObjectStoreSpec {
  readonly name: string;
  /** Puts fail once the store holds this many bytes (the store discards nothing to make room). */
  readonly maxBytes: number;
  /** Objects older than this (since their last write) are removed (ms); 0 keeps them. */
  readonly ttlMs: number;
  readonly description: string;
}

/** How long a large output stays readable: a run, its reruns and its read-model views use it. */
export const OUTPUTS_TTL_MS = 30 * DAY_MS;

export const ObjectStores: readonly ObjectStoreSpec[] = [
  {
    name: ObjectStoreNames.files,
    maxBytes: 4 * GIB,
    // No max age: a request file lives as long as its request (weeks maybe), so the requests actor
    // removes it with the request's record, and the filestore removes old uploads.
    ttlMs: 0,
    description: 'Request files and uploads',
  },
  {
    name: ObjectStoreNames.outputs,
    maxBytes: 4 * GIB,
    // As long as events and task variables: a run's large outputs go when the rest of its trail does.
    // Run states are kept longer, so a resume later than this fails naming the output it lost.
    ttlMs: OUTPUTS_TTL_MS,
    description: 'Large task and run outputs, by reference (see output-ref.ts), one object per output',
  },
];
