/**
 * A private NATS cluster on this machine, every node started from the shipped
 * deploy/nats/cluster.conf (so the tests check that file too), on free ports, each with a temp store.
 * Tests kill a node with SIGKILL and see JetStream carry on with the other two.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager, StorageType } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { freePort } from './free-port.js';
import { diesWithParent } from './parent-death.js';

const CLUSTER_CONF = new URL('../../../deploy/nats/cluster.conf', import.meta.url).pathname;

export interface NatsCluster {
  /** Every node's client URL, comma-separated: what NATS_URL gets. */
  readonly url: string;
  readonly nodes: readonly { readonly name: string; readonly url: string }[];
  /** SIGKILL one node, as a crash. */
  kill(index: number): Promise<void>;
  /** Stops every node and removes their stores. */
  stop(): Promise<void>;
}

/**
 * Until a stream with `replicas` copies can be placed: a fresh meta leader may not yet know the
 * other nodes, and OO's first provisioning would then fail for want of peers.
 */
async function untilReplicatedStreamsFit(
  url: string,
  replicas: number,
  deadline: number,
  assertNodesUp: () => void,
): Promise<void> {
  const nc = await connect({ servers: url.split(','), maxReconnectAttempts: -1 });
  try {
    // No API check here: it asks once, and a slow host's cluster may still be electing its meta
    // leader; the loop below asks until it is ready.
    const jsm = await jetstreamManager(nc, { checkAPI: false });
    const probe = { name: 'CLUSTER_READY_PROBE', subjects: ['cluster-ready-probe'], num_replicas: replicas };
    for (;;) {
      try {
        await jsm.streams.add({ ...probe, storage: StorageType.Memory });
        await jsm.streams.delete(probe.name);
        return;
      } catch (err) {
        assertNodesUp();
        if (Date.now() > deadline)
          throw new Error(`the NATS cluster cannot place ${replicas} copies: ${err}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  } finally {
    await nc.close();
  }
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Starts `size` nodes (3 by default) and resolves once JetStream places streams of `size` copies. */
/** A node could not bind a port picked free: another process took it in between (ephemeral ports are shared). */
class PortTaken extends Error {}

/**
 * Starts a cluster of `size` nodes on ports picked free. The ports must be known before the nodes
 * start (each routes to the others), so another process can take one in between; the cluster is
 * then started again on new ports, up to three times.
 */
export async function startNatsCluster(size = 3): Promise<NatsCluster> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnFreePorts(size);
    } catch (err) {
      if (!(err instanceof PortTaken) || attempt === 3) throw err;
    }
  }
}

async function startOnFreePorts(size: number): Promise<NatsCluster> {
  const bin = process.env.NATS_SERVER_BIN ?? 'nats-server';
  const ports = await Promise.all(
    Array.from({ length: size }, async () => [await freePort(), await freePort()]),
  );
  const nodes = ports.map(([client], i) => ({ name: `nats-${i + 1}`, url: `nats://127.0.0.1:${client}` }));
  const url = nodes.map((n) => n.url).join(',');
  const routes = Object.fromEntries(
    ports.map(([, route], i) => [`OO_NATS_ROUTE_${i + 1}`, `nats-route://127.0.0.1:${route}`]),
  );
  const stores: string[] = [];
  const children: ChildProcess[] = [];
  const logs: string[] = [];
  const stop = async () => {
    for (const child of children) child.kill('SIGTERM');
    await Promise.all(children.map(exited));
    for (const store of stores) rmSync(store, { recursive: true, force: true });
  };
  try {
    await Promise.all(
      ports.map(async ([client, route], i) => {
        const store = mkdtempSync(join(tmpdir(), `oo-nats-${i + 1}-`));
        stores.push(store);
        const child = spawn(...diesWithParent(bin, ['-c', CLUSTER_CONF]), {
          env: {
            ...process.env,
            ...routes,
            OO_NATS_NAME: nodes[i]!.name,
            OO_NATS_LISTEN: `127.0.0.1:${client}`,
            OO_NATS_CLUSTER_LISTEN: `127.0.0.1:${route}`,
            OO_NATS_STORE: store,
          },
          stdio: ['ignore', 'ignore', 'pipe'],
        });
        children.push(child);
        logs[i] = '';
        child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
          logs[i] = (logs[i] + chunk).slice(-20_000);
        });
      }),
    );
    const assertNodesUp = () => {
      if (!children.some((c) => c.exitCode !== null)) return;
      const why = `a NATS node exited:\n${logs.join('\n---\n')}`;
      throw logs.some((log) => log.includes('address already in use')) ? new PortTaken(why) : new Error(why);
    };
    // A meta leader means the cluster formed and JetStream can create replicated assets.
    const deadline = Date.now() + 30_000;
    while (
      !logs.some((log) =>
        /JetStream cluster new metadata leader|Self is new JetStream cluster metadata leader/.test(log),
      )
    ) {
      if (Date.now() > deadline)
        throw new Error(`NATS cluster did not elect a leader in 30 s:\n${logs.join('\n---\n')}`);
      assertNodesUp();
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await untilReplicatedStreamsFit(url, size, deadline, assertNodesUp);
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    url,
    nodes,
    async kill(index) {
      const child = children[index];
      if (!child) throw new Error(`no node ${index}`);
      child.kill('SIGKILL');
      await exited(child);
    },
    stop,
  };
}
