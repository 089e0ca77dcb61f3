/**
 * `oo ledger rebuild`: empty the projected tables, then fold the whole OO_EVT stream into them again
 * through a ledger of another name, whose fresh durable consumers start at the first retained event.
 * It returns once those consumers have nothing pending or unacknowledged, then removes them.
 * Throws OO_ERR_TIMEOUT when that takes longer than `timeoutMs`; the tables are then partial until
 * a rebuild completes (the live ledger keeps folding new events meanwhile).
 *
 * The live ledger may keep running meanwhile: every fold is idempotent and order-safe, so both
 * writing the same rows ends in the same tables. Readers see the tables fill up again during the
 * rebuild. Only what the stream still retains (contracts: OO_EVT max age) can be rebuilt.
 */
import { durableName, OoError, StreamNames } from '@oo/contracts';
import type { ReadModel } from '@oo/read-model';
import { connectNats, type Nats, type RuntimeConfig, startActor } from '@oo/runtime';
import { type Logger, pino } from 'pino';
import { LEDGER_SUBJECTS, ledgerActor } from './ledger-actor.js';

export const REBUILD_ACTOR = 'ledger-rebuild';

export interface RebuildOptions {
  readonly readModel: ReadModel;
  readonly config: RuntimeConfig;
  readonly log?: Logger;
  /** Give up when the replay has not caught up within this (ms, default 30 minutes). */
  readonly timeoutMs?: number;
  /** How often the consumers' progress is checked (ms, default 200). */
  readonly pollMs?: number;
}

export interface RebuildResult {
  /** Events in the rebuilt `events` table. */
  readonly events: number;
  readonly durationMs: number;
}

const durables = LEDGER_SUBJECTS.map((s) => durableName(REBUILD_ACTOR, s.name));

type JetStreamManager = Nats['jsm'];

/** JetStream's "no such consumer" (a JetStreamApiError with status 404; this package does not depend on the client). */
function isNotFound(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { status?: unknown }).status === 404;
}

/** Removes what an earlier, interrupted rebuild left: its consumers would resume, not start over. */
async function removeDurables(jsm: JetStreamManager): Promise<void> {
  for (const durable of durables) {
    await jsm.consumers.delete(StreamNames.events, durable).catch((err: unknown) => {
      if (!isNotFound(err)) throw err;
    });
  }
}

async function caughtUp(jsm: JetStreamManager): Promise<boolean> {
  for (const durable of durables) {
    const info = await jsm.consumers.info(StreamNames.events, durable);
    if (info.num_pending > 0 || info.num_ack_pending > 0) return false;
  }
  return true;
}

export async function rebuildLedger(options: RebuildOptions): Promise<RebuildResult> {
  const log = (options.log ?? pino({ level: options.config.log.level })).child({ op: 'ledger-rebuild' });
  const timeoutMs = options.timeoutMs ?? 30 * 60_000;
  const started = performance.now();
  const nats = await connectNats(options.config.nats, REBUILD_ACTOR);
  try {
    await removeDurables(nats.jsm);
    await options.readModel.resetProjections();
    log.info('projected tables emptied; replaying the event stream');
    const replay = await startActor(ledgerActor({ readModel: options.readModel, name: REBUILD_ACTOR }), {
      config: options.config,
      log,
    });
    try {
      // The consumers report their own progress; there is no event to await for "nothing left".
      while (!(await caughtUp(nats.jsm))) {
        if (performance.now() - started > timeoutMs) {
          throw new OoError('OO_ERR_TIMEOUT', `ledger rebuild did not catch up within ${timeoutMs} ms`);
        }
        await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 200));
      }
    } finally {
      await replay.stop();
      // Left behind, they would make the next rebuild resume instead of start over (it removes
      // them too, in case this fails).
      await removeDurables(nats.jsm).catch((err: unknown) =>
        log.warn({ err }, 'could not remove the rebuild consumers'),
      );
    }
    const [row] = await options.readModel.db.query<{ n: string | number }>(
      'SELECT count(*) AS n FROM events',
    );
    const result = { events: Number(row?.n ?? 0), durationMs: Math.round(performance.now() - started) };
    log.info(result, 'ledger rebuilt');
    return result;
  } finally {
    await nats.nc.drain().catch(() => undefined);
  }
}
