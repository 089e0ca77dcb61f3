/** Names of the NATS headers OO reads and writes. Header names are case-sensitive in NATS. */
export const Headers = {
  /** W3C trace context of the publisher's span. */
  traceparent: 'traceparent',
  tracestate: 'tracestate',
  /** The request's trace id (32 hex), kept even where a hop has no span. */
  traceId: 'oo-trace-id',
  requestId: 'oo-request-id',
  runId: 'oo-run-id',
  taskId: 'oo-task-id',
  /** Signed, short-lived token naming the caller; minted by the gateway, verified by every actor. */
  principal: 'oo-principal',
  /** `<subject name>@<schema version>` of the body. */
  schema: 'oo-schema',
  /** The actor instance that published the message. */
  sender: 'oo-sender',
  /** On a message sent again from a dead letter: that letter's sequence in the dead-letter stream. */
  replayOf: 'oo-replay-of',
  /** JetStream's de-duplication id. */
  msgId: 'Nats-Msg-Id',
} as const;

const SCHEMA_VERSION = /@(\d+)$/;

/** The `oo-schema` value of a body of subject `name` at schema `version`. */
export function schemaHeader(name: string, version: number): string {
  return `${name}@${version}`;
}

/** The schema version an `oo-schema` value names; undefined when there is none (an older sender). */
export function schemaVersionIn(value: string | undefined): number | undefined {
  const version = SCHEMA_VERSION.exec(value ?? '')?.[1];
  return version === undefined ? undefined : Number(version);
}
