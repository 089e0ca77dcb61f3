/**
 * Every NATS subject OO uses is declared here, and nowhere else is a subject string built.
 *
 * Grammar (tokens are lower-case, `-` allowed inside a token, `.` separates tokens):
 *
 *   oo.cmd.<actor>.<verb>      a command; exactly one actor type handles it (shared durable consumer)
 *   oo.evt.<domain>.<event>    a fact; fanned out to every interested actor (one durable each)
 *   oo.task.<type>             a work item for a task runner; <type> may itself hold dots (awx.launch)
 *   oo.dlq.<actor>             messages an actor could not handle, with the reason
 *
 * A `Subject` binds a name to the zod schema of its body and a schema version, so publishing the
 * wrong body to a subject is a compile error and consuming it is validated at run time.
 */
import type { z } from 'zod';
import { type StreamName, StreamNames } from './streams.js';

export type SubjectKind = 'cmd' | 'evt' | 'task' | 'dlq';

export interface Subject<S extends z.ZodType = z.ZodType, N extends string = string> {
  readonly kind: SubjectKind;
  /** Concrete subject name, or a pattern ending in `>` / holding `*` when only consumed. */
  readonly name: N;
  readonly schema: S;
  /** Major version of the body schema; a consumer dead-letters a newer version it does not know. */
  readonly version: number;
  /** The stream that captures this subject. */
  readonly stream: StreamName;
  /**
   * Its handler acts as the caller, so it needs the caller's verified `oo-principal` token: a
   * message that lost it (a dead letter keeps none) cannot be sent again on anyone's behalf.
   */
  readonly needsCaller: boolean;
}

/** The body type a subject carries (what `publish` accepts). */
export type BodyOf<T extends Subject> = z.input<T['schema']>;
/** The body type after validation (what a handler receives). */
export type ParsedBodyOf<T extends Subject> = z.output<T['schema']>;

const TOKEN = /^[a-z0-9][a-z0-9_-]*$/;

function kindOf(name: string): SubjectKind {
  const [root, kind] = name.split('.');
  if (root !== 'oo' || !(kind === 'cmd' || kind === 'evt' || kind === 'task' || kind === 'dlq')) {
    throw new Error(`subject "${name}" must start with oo.cmd., oo.evt., oo.task. or oo.dlq.`);
  }
  return kind;
}

/** Checks a subject name against the grammar above; throws naming the bad token. */
export function assertSubjectName(name: string, { pattern = false } = {}): void {
  const kind = kindOf(name);
  const tokens = name.split('.');
  const minTokens = kind === 'task' || kind === 'dlq' ? 3 : 4;
  if (tokens.length < minTokens) throw new Error(`subject "${name}" has too few tokens for oo.${kind}`);
  tokens.slice(2).forEach((token, i) => {
    const last = i === tokens.length - 3;
    if (pattern && (token === '*' || (token === '>' && last))) return;
    if (!TOKEN.test(token)) throw new Error(`subject "${name}": token "${token}" is not [a-z0-9_-]`);
  });
}

const streamFor: Record<SubjectKind, StreamName> = {
  cmd: StreamNames.commands,
  evt: StreamNames.events,
  task: StreamNames.tasks,
  dlq: StreamNames.deadLetters,
};

/** Declares a subject with the schema of its body. `version` defaults to 1. */
export function subject<const N extends string, S extends z.ZodType>(
  name: N,
  schema: S,
  options: { version?: number; pattern?: boolean; needsCaller?: boolean } = {},
): Subject<S, N> {
  assertSubjectName(name, { pattern: options.pattern ?? false });
  const kind = kindOf(name);
  return Object.freeze({
    kind,
    name,
    schema,
    version: options.version ?? 1,
    stream: streamFor[kind],
    needsCaller: options.needsCaller ?? false,
  });
}

/** True when `name` is a wildcard pattern (only consumable, never publishable). */
export function isPattern(name: string): boolean {
  return name.includes('*') || name.endsWith('>');
}

/** `oo.dlq.<actor>`: where an actor's undeliverable messages go. */
export function deadLetterSubjectName(actor: string): string {
  return `oo.dlq.${actor}`;
}

/**
 * Durable consumer name for an actor consuming a subject: stable across restarts and replicas,
 * so replicas share one consumer (commands, tasks) and each actor type has its own (events).
 */
export function durableName(actor: string, subjectName: string): string {
  return `${actor}__${subjectName.replaceAll('.', '_').replaceAll('*', 'any').replaceAll('>', 'all')}`;
}
