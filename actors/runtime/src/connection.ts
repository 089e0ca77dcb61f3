/** Connecting to NATS: the one place that turns configuration into a connection. */
import { readFileSync } from 'node:fs';
import { type JetStreamClient, type JetStreamManager, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { Objm } from '@nats-io/obj';
import { connect, credsAuthenticator, type NatsConnection } from '@nats-io/transport-node';
import { OoError } from '@oo/contracts';
import type { RuntimeConfig } from './config.js';
import { type JetStreamPublish, jetStreamPublisher } from './jetstream-publish.js';
import { installNatsRequestFix } from './nats-request-fix.js';
import { batchNatsWrites } from './nats-write-batching.js';

/** How long a JetStream publish waits for its ack before it fails with a TimeoutError. */
const PUBLISH_TIMEOUT_MS = 10_000;

export interface Nats {
  readonly nc: NatsConnection;
  readonly js: JetStreamClient;
  /** JetStream publish with acks on one subscription (jetstream-publish.ts); what typed publishes use. */
  readonly publish: JetStreamPublish;
  readonly jsm: JetStreamManager;
  readonly kvm: Kvm;
  readonly objm: Objm;
  /** Copies of every stream, bucket and object store OO provisions (config `nats.replicas`). */
  readonly replicas: number;
}

/**
 * Connects with endless reconnects (a restarted server is found again) and returns the JetStream
 * handles. Throws OO_ERR_NATS_UNAVAILABLE when the first connection cannot be made.
 */
export async function connectNats(
  config: Omit<RuntimeConfig['nats'], 'replicas'> & { replicas?: number },
  name: string,
): Promise<Nats> {
  const tls = config.tls
    ? {
        ...(config.tls.caFile ? { caFile: config.tls.caFile } : {}),
        ...(config.tls.certFile ? { certFile: config.tls.certFile } : {}),
        ...(config.tls.keyFile ? { keyFile: config.tls.keyFile } : {}),
      }
    : undefined;
  installNatsRequestFix();
  let nc: NatsConnection;
  try {
    nc = await connect({
      servers: config.url.split(','),
      name,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
      pingInterval: 10_000,
      // Async stack traces allocate two Error objects per request (every JetStream publish): a
      // third of the publish cost on this hardware. Errors still carry their message and code.
      noAsyncTraces: true,
      ...(config.credsFile ? { authenticator: credsAuthenticator(readFileSync(config.credsFile)) } : {}),
      ...(config.user ? { user: config.user, pass: config.password ?? '' } : {}),
      ...(tls ? { tls } : {}),
    });
  } catch (err) {
    throw new OoError(
      'OO_ERR_NATS_UNAVAILABLE',
      `cannot connect to NATS at ${config.url}: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }
  batchNatsWrites(nc);
  const jsm = await jetstreamManager(nc, { timeout: 10_000 });
  const js = jetstream(nc, { timeout: PUBLISH_TIMEOUT_MS });
  const publish = jetStreamPublisher(nc, PUBLISH_TIMEOUT_MS);
  return { nc, js, publish, jsm, kvm: new Kvm(js), objm: new Objm(js), replicas: config.replicas ?? 1 };
}
