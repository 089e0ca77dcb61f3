/**
 * OO on a 3-node NATS cluster started from deploy/nats/cluster.conf, as production runs it with
 * `nats.replicas: 3`: everything provisioned has three copies, and losing a node (kill -9) loses
 * no message and stops no actor.
 */
import { Buckets, ObjectStores, StreamNames, Streams } from '@oo/contracts';
import {
  type ActorHandle,
  connectNats,
  defineActor,
  type Nats,
  on,
  provisionAll,
  RuntimeConfig,
  startActor,
} from '@oo/runtime';
import { freshName, type NatsCluster, startNatsCluster } from '@oo/test-harness';
import { afterEach, describe, expect, it } from 'vitest';
import { collect } from './fixtures/collector.js';
import { silentLog } from './fixtures/setup.js';
import { testSubjects } from './fixtures/subjects.js';

let cluster: NatsCluster | undefined;
const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step().catch(() => undefined);
  await cluster?.stop();
  cluster = undefined;
});

function clusterConfig(url: string, replicas: number): RuntimeConfig {
  return RuntimeConfig.parse({ nats: { url, replicas }, log: { level: 'silent' }, drainTimeoutMs: 3_000 });
}

async function connect(config: RuntimeConfig): Promise<Nats> {
  const nats = await connectNats(config.nats, freshName('cluster-test-'));
  cleanup.push(() => nats.nc.close());
  return nats;
}

/** The copies JetStream keeps of every stream behind OO's streams, buckets and object stores. */
async function copies(nats: Nats): Promise<Record<string, number>> {
  const names = [
    ...Streams.map((s) => s.name),
    ...Buckets.map((b) => `KV_${b.name}`),
    ...ObjectStores.map((o) => `OBJ_${o.name}`),
  ];
  const entries = await Promise.all(
    names.map(async (name) => [name, (await nats.jsm.streams.info(name)).config.num_replicas] as const),
  );
  return Object.fromEntries(entries);
}

/** Retries `attempt` while the cluster elects new leaders (requests then time out or find no responder). */
async function whileElecting<T>(attempt: () => Promise<T>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await attempt();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

describe('runtime - on a 3-node NATS cluster', () => {
  it('keeps three copies of everything and delivers every message when a node is killed', async () => {
    cluster = await startNatsCluster(3);
    const config = clusterConfig(cluster.url, 3);
    const s = testSubjects(freshName());
    const relay: ActorHandle = await startActor(
      defineActor({
        name: freshName('relay-'),
        version: '1.0.0',
        handlers: [
          on(s.ping, async (ctx, body) => {
            await ctx.publish(s.pong, { n: body.n, by: ctx.actor });
            return undefined;
          }),
        ],
      }),
      { config, log: silentLog },
    );
    cleanup.push(() => relay.stop());
    const pongs = await collect(cluster.url, s.pong);
    cleanup.push(() => pongs.stop());
    const nats = await connect(config);
    const all = await copies(nats);
    expect(Object.values(all).every((n) => n === 3)).toBe(true);

    await relay.publish(s.ping, { n: 1 });
    await pongs.waitFor(1);

    // The node leading the commands stream dies: the other two elect a new leader and carry on.
    const leader = (await nats.jsm.streams.info(StreamNames.commands)).cluster?.leader;
    const index = cluster.nodes.findIndex((n) => n.name === leader);
    expect(index).toBeGreaterThanOrEqual(0);
    await cluster.kill(index);
    // A publish retried after a timeout may have been stored the first time: its id drops the repeat.
    for (let n = 2; n <= 5; n++) {
      await whileElecting(() => relay.publish(s.ping, { n }, { msgId: `${s.ping.name}.${n}` }));
    }
    // Measured here: ~5 s to elect new stream leaders, then 10-25 s until the pull consumers notice
    // their lost leader (missed heartbeats) and pull again. Delivery is at least once: a ping handled
    // just as its leader died comes again and is relayed twice (seen in CI), so wait for every n, not
    // for 5 pongs.
    const deadline = Date.now() + 90_000;
    let got = await pongs.waitFor(5, 90_000);
    while (new Set(got.map((p) => p.body.n)).size < 5) {
      got = await pongs.waitFor(got.length + 1, Math.max(1, deadline - Date.now()));
    }
    expect(new Set(got.map((p) => p.body.n))).toEqual(new Set([1, 2, 3, 4, 5]));
  }, 150_000);

  it('adds copies to what exists when replicas are raised, and never takes them away', async () => {
    cluster = await startNatsCluster(3);
    const single = await connect(clusterConfig(cluster.url, 1));
    await provisionAll(single);
    expect(new Set(Object.values(await copies(single)))).toEqual(new Set([1]));

    const three = await connect(clusterConfig(cluster.url, 3));
    await provisionAll(three);
    expect(new Set(Object.values(await copies(three)))).toEqual(new Set([3]));

    // An instance still configured for one copy starts: the cluster keeps its three.
    await provisionAll(single);
    expect(new Set(Object.values(await copies(single)))).toEqual(new Set([3]));
  });
});
