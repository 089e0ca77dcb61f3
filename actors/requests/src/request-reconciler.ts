/**
 * Finds request records whose first outcome never went out — `dispatched: false` and not written
 * for `graceMs` — and dispatches them (request-dispatch.ts), so no request stays `accepted` or
 * `rejected` unannounced for ever because its submit or rerun was dead-lettered, or expired from the
 * commands stream, before its handler finished. The engine's reconciler does the same for runs.
 *
 * Every replica may run it. A record is claimed before it is dispatched: written again, unchanged,
 * at the revision read (compare-and-set), so of the replicas that read it one wins and the others
 * leave it. A claim is a write, so a replica that claimed and died leaves a record the next pass
 * finds quiet again after `graceMs`. Dispatch is idempotent anyway: its publishes carry msgIds,
 * and the engine does nothing with a start for a run it has.
 *
 * The engine keeps an ended run only `keepEndedRunsMs`; past that, a start that did go out (before a
 * crash, the mark unwritten, the run's events lost) may have left no trace, and sending it again
 * would start a second run. A run ends after its start, which is after its request was submitted, so
 * for a request submitted less than `keepEndedRunsMs` ago, any run it started is still kept. An
 * accepted record older than that is not started: it is claimed the same way and ended `failed`
 * with OO_ERR_REQUEST_NOT_STARTED (request-dispatch.ts `abandon`), logged as an error, so the
 * requester hears of it and can rerun it, rather than seeing it `accepted` for ever.
 *
 * Like the engine's reconciler, a pass does not read every record: the first reads every record
 * once, later ones only which keys were written since (headers), and a record only once it has
 * been quiet for `graceMs`.
 */
import type { ActorEnv, Clock, JsonBucket } from '@oo/runtime';
import { isNatsUnreachable, reportFailure, startPeriodicPass } from '@oo/runtime';
import type { Logger } from 'pino';
import type { RequestRecord } from './request-records.js';

export interface RequestReconcilerOptions {
  bucket: JsonBucket<RequestRecord>;
  log: Logger;
  clock: Clock;
  /** Told of a pass that failed (`env.reportError`: the actor's presence shows it). */
  report?: ActorEnv['reportError'] | undefined;
  /** How often to look (ms); the first look is a second after start. */
  intervalMs: number;
  /** How long a record must have been left unwritten and undispatched before it is dispatched (ms). */
  graceMs: number;
  /** The engine's `keepEndedRunsMs`: no start is sent for a request submitted longer ago (ms). */
  keepEndedRunsMs: number;
  /** Sends the record's first outcome and marks it dispatched (request-dispatch.ts). */
  dispatch(record: RequestRecord): Promise<void>;
  /** Ends an accepted record too old to start: `failed`, announced, marked dispatched (request-dispatch.ts). */
  abandon(record: RequestRecord): Promise<void>;
}

/** What one pass did. */
export interface ReconcileResult {
  /** Records dispatched. */
  dispatched: number;
  /** Dispatches (or abandons) that failed: logged and reported, tried again once the record is quiet again. */
  failed: number;
  /** Accepted records too old to start safely: ended failed instead (OO_ERR_REQUEST_NOT_STARTED). */
  abandoned: number;
}

export interface RequestReconciler {
  /** Runs one pass now (tests), or joins the one running; undefined when it failed (logged). */
  pass(): Promise<ReconcileResult | undefined>;
  /** Stops the timers and waits for a pass in progress. */
  stop(): Promise<void>;
}

/** When a record is looked at next, and the revision it had then. */
interface Due {
  readonly at: number;
  readonly revision: number;
}

const FIRST_PASS_AFTER_MS = 1_000;

export function startRequestReconciler(options: RequestReconcilerOptions): RequestReconciler {
  const { bucket, log, graceMs, keepEndedRunsMs } = options;
  /** Records not known to be dispatched, by key. */
  const due = new Map<string, Due>();
  /** The bucket's last revision read (0: none). */
  let seen = 0;
  let readAll = false;

  const catchUp = async () => {
    if (!readAll) {
      // The values once (one watcher), then the write times of the undispatched ones (headers).
      const undispatched = new Map<string, number>();
      let snapshot = 0;
      for await (const { key, value, revision } of bucket.latest()) {
        snapshot = Math.max(snapshot, revision);
        if (!value.dispatched) undispatched.set(key, revision);
      }
      for await (const write of bucket.writtenSince(0)) {
        seen = Math.max(seen, write.revision);
        // Written after the values were read: its state is not known yet, so look at it.
        const look = undispatched.get(write.key) === write.revision || write.revision > snapshot;
        if (look && !write.deleted)
          due.set(write.key, { at: write.writtenAt + graceMs, revision: write.revision });
      }
      readAll = true;
      return;
    }
    for await (const write of bucket.writtenSince(seen)) {
      seen = Math.max(seen, write.revision);
      if (write.deleted) due.delete(write.key);
      else due.set(write.key, { at: write.writtenAt + graceMs, revision: write.revision });
    }
  };

  /** Dispatches one due record if it still needs it; says what became of it. */
  const reconcile = async (
    key: string,
    known: Due,
    now: number,
  ): Promise<keyof ReconcileResult | undefined> => {
    const entry = await bucket.get(key);
    if (!entry || entry.value.dispatched) {
      due.delete(key);
      return undefined;
    }
    // Written since the catch-up: the next one has its time.
    if (entry.revision !== known.revision) return undefined;
    const record = entry.value;
    due.delete(key);
    const tooOld = record.status === 'accepted' && now - Date.parse(record.submittedAt) >= keepEndedRunsMs;
    // The claim: of the replicas that read this revision, one writes it.
    if ((await bucket.update(key, record, entry.revision)) === undefined) return undefined;
    try {
      await (tooOld ? options.abandon(record) : options.dispatch(record));
    } catch (err) {
      // The claim was a write: the record is due again once quiet for graceMs.
      log.error(
        { err, request_id: key, trace_id: record.traceId },
        'dispatching a request left undispatched failed',
      );
      if (!isNatsUnreachable(err)) {
        reportFailure(options.report, `dispatching request ${key}, left undispatched,`, err);
      }
      return 'failed';
    }
    if (tooOld) {
      log.error(
        {
          request_id: key,
          trace_id: record.traceId,
          run_id: record.runId,
          submittedAt: record.submittedAt,
          keepEndedRunsMs,
        },
        'request was never dispatched and is older than the engine keeps runs: its run was not started, as it may have run already; the request ended failed (OO_ERR_REQUEST_NOT_STARTED)',
      );
      return 'abandoned';
    }
    log.warn(
      { request_id: key, trace_id: record.traceId, status: record.status, graceMs },
      'dispatched a request its handler left undispatched',
    );
    return 'dispatched';
  };

  const periodic = startPeriodicPass({
    what: 'reconciling undispatched requests',
    log,
    report: options.report,
    firstAfterMs: FIRST_PASS_AFTER_MS,
    intervalMs: options.intervalMs,
    async pass() {
      await catchUp();
      const now = options.clock.now();
      const result: ReconcileResult = { dispatched: 0, failed: 0, abandoned: 0 };
      for (const [key, known] of [...due]) {
        if (known.at > now) continue;
        const outcome = await reconcile(key, known, now);
        if (outcome) result[outcome]++;
      }
      if (result.dispatched + result.failed + result.abandoned > 0) {
        log.info(result, 'reconciled requests left undispatched');
      }
      return result;
    },
  });
  return { pass: () => periodic.now(), stop: () => periodic.stop() };
}
