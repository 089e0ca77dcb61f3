/** What an actor's `setup` receives: the instance's identity, config and handles to its resources. */
import type { ParsedBodyOf, StreamName, Subject } from '@oo/contracts';
import type { Tracer } from '@opentelemetry/api';
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { Clock } from './clock.js';
import type { RuntimeConfig } from './config.js';
import type { DeadLetterPage, DeadLetterQuery } from './dead-letter-reader.js';
import type { DeadLetterReplay } from './dead-letter-replay.js';
import type { JsonBucket, JsonBucketOptions } from './json-bucket.js';
import type { ObjectFiles } from './object-files.js';
import type { Publish } from './publisher.js';

export interface ActorEnv {
  readonly name: string;
  readonly instance: string;
  readonly config: RuntimeConfig;
  readonly log: Logger;
  readonly tracer: Tracer;
  readonly clock: Clock;
  /** The largest message the connected server takes (its `max_payload`), in bytes. */
  maxPayload(): number;
  /** Publishes outside any delivery (a root span is made unless one is passed). */
  readonly publish: Publish;
  /**
   * Live, non-durable subscription (core NATS) to a subject or pattern, for signals every instance
   * must see while it runs (e.g. "run cancelled"). Invalid bodies are logged and dropped.
   * Unsubscribed at stop.
   */
  listen<S extends Subject>(subject: S, handler: (body: ParsedBodyOf<S>, subject: string) => void): void;
  /**
   * The first sequence of `stream` stored while `listen`'s subscriptions were live: a message of
   * the stream at or past it was stored after they could hear everything sent on theirs (counted
   * again after a lost connection, when core NATS drops what is sent meanwhile). Infinity when the
   * server cannot be asked: then no message counts as heard live.
   */
  heardLiveFrom(stream: StreamName): Promise<number>;
  /** Opens a provisioned KV bucket as JSON values of `schema`. */
  bucket<S extends z.ZodType>(
    name: string,
    schema: S,
    options?: JsonBucketOptions,
  ): Promise<JsonBucket<z.output<S>>>;
  /** Opens a provisioned object store (`ObjectStoreNames`) as files with SHA-256 digests. */
  objects(name: string): Promise<ObjectFiles>;
  /** Dead letters, oldest first (dead-letter-reader.ts), for the tools operators read them with. */
  deadLetters(query: DeadLetterQuery): Promise<DeadLetterPage>;
  /** Sends a dead letter's message again and removes the letter (dead-letter-replay.ts). */
  replayDeadLetter(seq: number): Promise<DeadLetterReplay>;
  /** Takes a dead letter out without sending it again (dead-letter-discard.ts). */
  discardDeadLetter(seq: number): Promise<void>;
  /**
   * Records a problem of the actor's own, met outside any delivery (say, a template file it refused),
   * as its presence entry's `lastError`, where `oo status` and the web UI's actors page show it.
   * Log it too: this keeps only the last one.
   */
  reportError(error: { readonly code: string; readonly message: string }): void;
}
