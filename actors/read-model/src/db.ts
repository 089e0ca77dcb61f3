/**
 * The one database interface the read model is written against, implemented by a `pg` Pool
 * (PostgreSQL) and by PGlite (embedded). Parameters are always bound (`$1`, `$2`, ...), never spliced.
 */

export type Row = Record<string, unknown>;

export interface Db {
  readonly dialect: 'postgres' | 'pglite';
  /** One parameterised statement; resolves with its rows (RETURNING rows for writes). */
  query<T extends Row = Row>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /** A script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
  /**
   * Runs `fn` in one transaction on one connection: committed when it resolves, rolled back when it
   * throws (and the error rethrown). Inside, `tx.transaction` simply joins the open one.
   */
  transaction<R>(fn: (tx: Db) => Promise<R>): Promise<R>;
  close(): Promise<void>;
}

/** A timestamp column as RFC 3339 (UTC). Both drivers return Date; a string is accepted too. */
export function iso(value: unknown): string {
  return (value instanceof Date ? value : new Date(String(value))).toISOString();
}

export function isoOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : iso(value);
}

/** A bigint column: `pg` returns int8 as a string, PGlite as a number. */
export function num(value: unknown): number {
  return typeof value === 'number' ? value : Number(value);
}

/**
 * The escapes JSON.stringify writes for what jsonb refuses: U+0000, and a UTF-16 surrogate (it
 * escapes one only when it has no pair). After an even run of backslashes only, so a string holding
 * the six characters `\u0000` (written `\\u0000` in JSON) is left as it is.
 */
const UNSTORABLE_ESCAPE = /(?<!\\)((?:\\\\)*)\\u(?:0000|d[89a-f][0-9a-f]{2})/g;

/**
 * A jsonb parameter: serialised here, so `pg` never turns a JS array into a PostgreSQL array. A
 * string jsonb cannot hold (a NUL or a lone surrogate, say in a task's error copied from an HTTP
 * answer) is stored with those code points replaced by U+FFFD: the fact is kept rather than the
 * whole event refused by the database and dead-lettered. Text OO takes in is refused before that
 * (storableText in contracts); this is the defence for text made inside.
 */
export function json(value: unknown): string | null {
  if (value === undefined) return null;
  const text = JSON.stringify(value);
  return text.includes('\\u') ? text.replace(UNSTORABLE_ESCAPE, '$1\\ufffd') : text;
}

/** An RFC 3339 parameter as a Date, truncated to milliseconds (see 001_init.sql). */
export function timeParam(at: string | Date | undefined): Date | null {
  if (at === undefined) return null;
  return at instanceof Date ? at : new Date(at);
}

/** Collects bound parameters while a statement is assembled from constant SQL fragments. */
export function binder(): { readonly values: unknown[]; bind(value: unknown): string } {
  const values: unknown[] = [];
  return {
    values,
    bind(value) {
      values.push(value);
      return `$${values.length}`;
    },
  };
}
