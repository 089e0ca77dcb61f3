/**
 * The ledger: folds run, task and request events into the read model (PostgreSQL or PGlite). One
 * durable consumer per event subject, starting from the first retained event, so a new or long
 * stopped ledger catches up on everything it missed.
 */
import { EngineSubjects, RequestSubjects } from '@oo/contracts';
import { type OpenReadModelOptions, openReadModel, type ReadModel } from '@oo/read-model';
import { type ActorEnv, type ActorSetup, defineActor, type HandlerOptions, on } from '@oo/runtime';
import { projection } from './project.js';
import { afterItsRun } from './request-after-run.js';

export const LEDGER_VERSION = '0.1.0';

export type LedgerOptions = (
  | {
      /** A read model opened by the caller (and closed by it): share one with the gateway in one process. */
      readonly readModel: ReadModel;
    }
  | {
      /** Where to open a read model of the ledger's own at start (closed at stop). */
      readonly database: Omit<OpenReadModelOptions, 'log'>;
    }
) & {
  /** Actor name (default `ledger`). Each name has durable consumers of its own: rebuilds use another. */
  readonly name?: string;
};

const HANDLER_OPTIONS: HandlerOptions = {
  // Events of one run may be folded concurrently and in any order: rows keep the newest sequence.
  concurrency: 8,
  deliverPolicy: 'all',
  // Waiting out a database outage redelivers many times; that must never dead-letter an event.
  maxDeliveries: Number.MAX_SAFE_INTEGER,
  retry: { maxAttempts: 5, backoffMs: [1_000, 5_000, 15_000, 30_000], jitter: 0.2 },
};

/** The subjects the ledger folds, for tools that inspect its consumers. */
export const LEDGER_SUBJECTS = [
  EngineSubjects.runEvents,
  EngineSubjects.taskEvents,
  RequestSubjects.events,
] as const;

async function readModelFor(
  options: LedgerOptions,
  env: ActorEnv,
): Promise<[ReadModel, () => Promise<void>]> {
  if ('readModel' in options) return [options.readModel, async () => undefined];
  const readModel = await openReadModel({ ...options.database, log: env.log });
  return [readModel, () => readModel.close()];
}

/**
 * The ledger actor. Each event is folded at least once (JetStream redelivers until acked) and the
 * folds are idempotent and order-safe, so replicas, redeliveries and concurrent handlers all end in
 * the same tables. While the database is unreachable, events wait in JetStream and are folded when
 * it is back; a fold failing for another reason is retried 5 times, then dead-lettered.
 */
export function ledgerActor(options: LedgerOptions) {
  return defineActor({
    name: options.name ?? 'ledger',
    version: LEDGER_VERSION,
    description: 'Folds run, task and request events into the PostgreSQL read model',
    async setup(env): Promise<ActorSetup> {
      const [readModel, close] = await readModelFor(options, env);
      return {
        handlers: [
          on(
            EngineSubjects.runEvents,
            projection((seq, event) => readModel.applyRunEvent(seq, event)),
            HANDLER_OPTIONS,
          ),
          on(
            EngineSubjects.taskEvents,
            projection((seq, event) => readModel.applyTaskEvent(seq, event)),
            HANDLER_OPTIONS,
          ),
          on(
            RequestSubjects.events,
            afterItsRun(
              readModel,
              projection((seq, event) => readModel.applyRequestEvent(seq, event)),
            ),
            HANDLER_OPTIONS,
          ),
        ],
        stop: close,
      };
    },
  });
}
