/**
 * Opening the read model: PostgreSQL through a `pg` Pool when a URL is given, else embedded PGlite
 * (on disk under `<dataDir>/pglite`, or in memory), migrated before the first query.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite, type PGliteInterface } from '@electric-sql/pglite';
import {
  OoError,
  type PolicyRecord,
  type RequestEvent,
  type Role,
  type RunEvent,
  type TaskEvent,
} from '@oo/contracts';
import pg from 'pg';
import type { Logger } from 'pino';
import { type AuditInput, type AuditQuery, listAudit, recordAudit, recordAudits } from './audit.js';
import type { Db } from './db.js';
import { requestEvents } from './event-history.js';
import { findResponse, pruneResponses, type RememberInput, rememberResponse } from './idempotency.js';
import { loadMigrations, migrate, SCHEMA_NAME } from './migrate.js';
import { pgDb } from './pg-db.js';
import { pgliteDb } from './pglite-db.js';
import {
  getPolicy,
  type PolicyChange,
  type PolicyHistoryQuery,
  policyHistory,
  putPolicy,
} from './policy-store.js';
import { listRequests, type RequestListQuery } from './request-list.js';
import { applyRequestEvent } from './request-projection.js';
import { getRequest } from './request-view.js';
import { resetProjections } from './reset-projections.js';
import { applyRunEvent, runEnded } from './run-projection.js';
import { applyTaskEvent } from './task-projection.js';
import { createToken, findTokenBySecret, listTokens, revokeToken, touchToken } from './tokens.js';
import type {
  AuditPage,
  CreatedToken,
  EventRecord,
  PolicyHistoryPage,
  RequestPage,
  RequestView,
  StoredResponse,
  TokenInfo,
} from './views.js';

export interface OpenReadModelOptions {
  /** PostgreSQL connection string. Without it, embedded PGlite. */
  databaseUrl?: string;
  /** PGlite keeps its files in `<dataDir>/pglite`; without it (and without a URL) it lives in memory. */
  dataDir?: string;
  /**
   * A PGlite already started, used instead of starting one (and closed with the read model).
   * Starting PGlite takes seconds; tests hand in clones of one instance, which take a fraction.
   */
  pglite?: PGliteInterface;
  /**
   * Schema holding the tables (PostgreSQL `search_path`), created when missing: lets tests, or
   * several OO installations, share one database. Lower-case letters, digits and `_`.
   */
  schema?: string;
  /** Pool connections (PostgreSQL only; default 10). */
  poolSize?: number;
  /** `application_name` of the pool's connections, as pg_stat_activity shows it (default `oo-read-model`). */
  applicationName?: string;
  log: Logger;
  /** Clock for the times the read model stamps itself (tokens, idempotency, audit, policy). */
  now?: () => Date;
}

/**
 * Projections (the ledger's side) return false for an event sequence folded before. Queries (the
 * gateway's side) validate their query objects and throw a ZodError naming the field when invalid.
 */
export interface ReadModel {
  /** The database itself, for operations and tests; the functions below are the supported API. */
  readonly db: Db;
  applyRunEvent(seq: number, event: RunEvent): Promise<boolean>;
  applyTaskEvent(seq: number, event: TaskEvent): Promise<boolean>;
  applyRequestEvent(seq: number, event: RequestEvent): Promise<boolean>;
  /** Whether the run's end is folded (the ledger folds a request's end after its run's). */
  runEnded(runId: string): Promise<boolean>;
  /** Empties the projected tables before a rebuild (see reset-projections.ts). */
  resetProjections(): Promise<void>;

  getRequest(requestId: string): Promise<RequestView | undefined>;
  listRequests(query: RequestListQuery): Promise<RequestPage>;
  requestEvents(requestId: string, afterSeq?: number, limit?: number): Promise<EventRecord[]>;

  createToken(input: { name: string; role: Role }): Promise<CreatedToken>;
  findTokenBySecret(secret: string): Promise<TokenInfo | undefined>;
  revokeToken(id: string): Promise<boolean>;
  touchToken(id: string): Promise<void>;
  listTokens(): Promise<TokenInfo[]>;

  rememberResponse(input: RememberInput): Promise<StoredResponse>;
  findResponse(principal: string, key: string): Promise<StoredResponse | undefined>;
  pruneResponses(before: Date): Promise<number>;

  recordAudit(entry: AuditInput): Promise<boolean>;
  recordAudits(entries: readonly AuditInput[]): Promise<void>;
  listAudit(query: AuditQuery): Promise<AuditPage>;

  /** The current policy (the sample policy, version 1, until an admin stores one). */
  getPolicy(): Promise<PolicyRecord>;
  /**
   * Stores the next version and its audit row. Throws OoError OO_ERR_POLICY_INVALID (every reason
   * in `details.reasons`) or OO_ERR_POLICY_CONFLICT (`change.expectedVersion` is stale).
   */
  putPolicy(candidate: unknown, change: PolicyChange): Promise<PolicyRecord>;
  /** Versions newest first, with who set each and when. */
  policyHistory(query?: PolicyHistoryQuery): Promise<PolicyHistoryPage>;

  close(): Promise<void>;
}

function openPostgres(options: OpenReadModelOptions & { databaseUrl: string }): Db {
  const pool = new pg.Pool({
    connectionString: options.databaseUrl,
    max: options.poolSize ?? 10,
    application_name: options.applicationName ?? 'oo-read-model',
    // An unreachable server fails the query (and the ledger waits it out) rather than hanging it.
    connectionTimeoutMillis: 10_000,
    ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
  });
  // Idle connections die with the server or pg_terminate_backend; the pool drops them and opens new
  // ones on demand. Without a listener the 'error' event would crash the process.
  pool.on('error', (err) => options.log.warn({ err }, 'read model: idle database connection lost'));
  return pgDb(pool);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists, under another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * PGlite's files have one owner: a second process opening them (two `oo actor` processes on one data
 * folder without PostgreSQL) would write the same files with no locking between them. A lock file
 * beside them names the owner's pid; one left by a process that is gone is taken over.
 * Returns the release, or throws OoError OO_ERR_CONFIG_INVALID naming the owner.
 */
export function lockPgliteDir(dataDir: string): () => void {
  const file = join(dataDir, 'pglite.lock');
  mkdirSync(dataDir, { recursive: true });
  for (let attempt = 0; ; attempt++) {
    try {
      writeFileSync(file, `${process.pid}\n`, { flag: 'wx' });
      return () => rmSync(file, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw err;
    }
    const holder = Number(readFileSync(file, 'utf8').trim());
    // This process opened it before (tests, a command run in `oo up`'s process): its own to share.
    if (holder === process.pid) return () => undefined;
    if (Number.isInteger(holder) && holder > 0 && alive(holder)) {
      throw new OoError(
        'OO_ERR_CONFIG_INVALID',
        `the embedded database in ${join(dataDir, 'pglite')} is open in process ${holder}, and PGlite has one owner: ` +
          'run every process of an installation against PostgreSQL (database.url, DATABASE_URL), or stop that one',
      );
    }
    rmSync(file, { force: true });
  }
}

async function startPglite(
  dataDir: string | undefined,
): Promise<{ pglite: PGliteInterface; release(): void }> {
  if (!dataDir) return { pglite: await PGlite.create(), release: () => undefined };
  const release = lockPgliteDir(dataDir);
  try {
    const dir = join(dataDir, 'pglite');
    mkdirSync(dir, { recursive: true });
    return { pglite: await PGlite.create(dir), release };
  } catch (err) {
    release();
    throw err;
  }
}

async function openPglite(options: OpenReadModelOptions): Promise<Db> {
  const started = options.pglite
    ? { pglite: options.pglite, release: () => undefined }
    : await startPglite(options.dataDir);
  const opened = pgliteDb(started.pglite);
  const db: Db = {
    ...opened,
    async close() {
      try {
        await opened.close();
      } finally {
        started.release();
      }
    },
  };
  if (options.schema)
    await db.exec(`CREATE SCHEMA IF NOT EXISTS "${options.schema}"; SET search_path TO "${options.schema}"`);
  return db;
}

/** Opens and migrates. Throws when the database cannot be reached or a migration fails. */
export async function openReadModel(options: OpenReadModelOptions): Promise<ReadModel> {
  if (options.schema !== undefined && !SCHEMA_NAME.test(options.schema)) {
    throw new Error(`read model schema "${options.schema}" must match ${SCHEMA_NAME}`);
  }
  const now = options.now ?? (() => new Date());
  const db = options.databaseUrl
    ? openPostgres({ ...options, databaseUrl: options.databaseUrl })
    : await openPglite(options);
  try {
    const applied = await migrate(db, loadMigrations(), options.schema);
    if (applied.length > 0) options.log.info({ applied }, 'read model migrated');
  } catch (err) {
    await db.close().catch(() => undefined);
    throw err;
  }
  return {
    db,
    applyRunEvent: (seq, event) => applyRunEvent(db, seq, event),
    applyTaskEvent: (seq, event) => applyTaskEvent(db, seq, event),
    applyRequestEvent: (seq, event) => applyRequestEvent(db, seq, event),
    runEnded: (runId) => runEnded(db, runId),
    resetProjections: () => resetProjections(db),
    getRequest: (requestId) => getRequest(db, requestId),
    listRequests: (query) => listRequests(db, query),
    requestEvents: (requestId, afterSeq, limit) => requestEvents(db, requestId, afterSeq, limit),
    createToken: (input) => createToken(db, input, now),
    findTokenBySecret: (secret) => findTokenBySecret(db, secret),
    revokeToken: (id) => revokeToken(db, id, now),
    touchToken: (id) => touchToken(db, id, now),
    listTokens: () => listTokens(db),
    rememberResponse: (input) => rememberResponse(db, input, now),
    findResponse: (principal, key) => findResponse(db, principal, key),
    pruneResponses: (before) => pruneResponses(db, before),
    recordAudit: (entry) => recordAudit(db, entry, now),
    recordAudits: (entries) => recordAudits(db, entries, now),
    listAudit: (query) => listAudit(db, query),
    getPolicy: () => getPolicy(db, now),
    putPolicy: (candidate, change) => putPolicy(db, candidate, change, now),
    policyHistory: (query) => policyHistory(db, query, now),
    close: () => db.close(),
  };
}
