import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BucketNames, type TemplateInput } from '@oo/contracts';
import { connectNats } from '@oo/runtime';
import { type ChildHandle, spawnTsx } from '@oo/test-harness';
import { afterEach, describe, expect, it } from 'vitest';
import { isTerminalTask, type TaskState } from '../src/index.js';
import { type EngineTestbed, startEngineTestbed } from './fixtures/engine-testbed.js';

const effects: TemplateInput = {
  name: 'effects',
  version: 1,
  input: { type: 'object', required: ['id'], properties: { id: { type: 'string' } } },
  tasks: {
    a: { type: 'test.side-effect', input: { key: '=input.id & ".a"' } },
    b: { type: 'test.side-effect', needs: ['a'], input: { key: '=input.id & ".b"' } },
    c: { type: 'test.side-effect', needs: ['a'], input: { key: '=input.id & ".c"' } },
    d: { type: 'test.side-effect', needs: ['b', 'c'], input: { key: '=input.id & ".d"' } },
  },
  output: { last: '=tasks.d.output.key' },
};

/** 160 side effects in 20 layers of 8: a run big enough to seal its ended tasks into segments. */
const BIG_LAYERS = 20;
const BIG_WIDTH = 8;
const bigEffects: TemplateInput = {
  name: 'effects-big',
  version: 1,
  input: effects.input,
  tasks: Object.fromEntries(
    Array.from({ length: BIG_LAYERS * BIG_WIDTH }, (_, i) => {
      const layer = Math.floor(i / BIG_WIDTH);
      const needs =
        layer === 0 ? [] : Array.from({ length: BIG_WIDTH }, (_, j) => `t${(layer - 1) * BIG_WIDTH + j}`);
      return [`t${i}`, { type: 'test.side-effect', needs, input: { key: `=input.id & ".t${i}"` } }];
    }),
  ),
};

/** A forEach of 150 side effects, 10 at a time: big enough to seal its element outputs as it goes. */
const EACH = 150;
const eachEffects: TemplateInput = {
  name: 'effects-each',
  version: 1,
  input: effects.input,
  tasks: {
    each: {
      type: 'test.side-effect',
      input: { key: '=$$.input.id & ".e" & index' },
      forEach: { items: `=[1..${EACH}]`, concurrency: 10 },
    },
  },
  output: { keys: '=tasks.each.output.key' },
};

/** Deterministic pseudo-random numbers (mulberry32), so a failing seed can be replayed. */
function seeded(seed: number) {
  let t = seed >>> 0;
  return () => {
    t = (t + 0x6d2b79f5) >>> 0;
    let r = Math.imul(t ^ (t >>> 15), 1 | t);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

const processFile = new URL('./fixtures/engine-process.ts', import.meta.url).pathname;

let bed: EngineTestbed;
const children: ChildHandle[] = [];
afterEach(async () => {
  await Promise.all(children.splice(0).map((c) => c.kill('SIGKILL')));
  await bed?.stop();
});

interface Head {
  status: string;
  segments?: string[];
  tasks?: Record<string, Pick<TaskState, 'status' | 'attempt'>>;
}

/** Every run's head as stored in KV, by run id. */
async function runHeads(): Promise<Map<string, Head>> {
  const nats = await connectNats(bed.config.nats, 'crash-check');
  const kv = await nats.kvm.open(BucketNames.runs);
  const heads = new Map<string, Head>();
  for await (const key of await kv.keys())
    heads.set(key, (await kv.get(key))?.json() ?? { status: 'missing' });
  await nats.nc.close();
  return heads;
}

/**
 * Every run's end; when one does not come in time, the error also tells the heads still `running`
 * and their tasks not ended, so a failure says whether a run stopped moving or its end went unheard.
 */
async function allEnded(ids: readonly string[], timeoutMs: number) {
  try {
    return await Promise.all(ids.map((id) => bed.finished(id, timeoutMs)));
  } catch (err) {
    const heads = await runHeads().catch(() => new Map<string, Head>());
    const open = [...heads]
      .filter(([, head]) => head.status === 'running')
      .map(([key, head]) => {
        const tasks = Object.entries(head.tasks ?? {})
          .filter(([, t]) => !isTerminalTask(t.status))
          .map(([id, t]) => `${id} ${t.status}@${t.attempt}`);
        return `${key} [${tasks.join(', ')}]`;
      });
    throw new Error(`${(err as Error).message}; heads still running: ${open.join('; ') || 'none'}`);
  }
}

/** The runs' ends (allEnded), and whether they have come yet, or failed to, for the fault loops. */
function awaitEnds(ids: readonly string[], timeoutMs: number) {
  const ends = allEnded(ids, timeoutMs);
  let settled = false;
  // Marks the end either way; a run that did not end is the caller's `await ends` to report.
  const markSettled = () => {
    settled = true;
  };
  ends.then(markSettled, markSettled);
  return { ends, settled: () => settled };
}

// The runs may take up to 120 s (150 s with the server down) on a slow host, and each kill costs a
// process start: the tests get room beyond those waits, not the default 60 s they used to brush.
describe('engine - crash safety', () => {
  it('finishes every run with each side effect once while engine and runner are killed -9 at random points', async () => {
    const seed = Number(process.env.OO_CRASH_SEED ?? 20261125);
    const random = seeded(seed);
    bed = await startEngineTestbed([effects, bigEffects, eachEffects]);
    const effectsFile = join(mkdtempSync(join(tmpdir(), 'oo-effects-')), 'effects.log');
    writeFileSync(effectsFile, '');
    const env = { NATS_URL: bed.server.url, TEMPLATES_DIR: bed.templatesDir, EFFECTS_FILE: effectsFile };
    const spawn = async (role: 'engine' | 'runner') => {
      const child = spawnTsx(processFile, { ...env, ROLE: role });
      children.push(child);
      await child.waitForLine(/^ready /);
      return child;
    };
    let engine = await spawn('engine');
    let runner = await spawn('runner');

    const runs = 24;
    const ids = await Promise.all(
      Array.from({ length: runs }, (_, i) => bed.start('effects', { id: `r${i}` })),
    );
    ids.push(await bed.start('effects-each', { id: 'each' }));
    ids.push(await bed.start('effects-big', { id: 'big' }));
    const { ends: allDone, settled } = awaitEnds(ids, 120_000);
    let kills = 0;
    while (!settled() && kills < 12) {
      await new Promise((r) => setTimeout(r, 100 + random() * 400));
      if (settled()) break;
      if (random() < 0.5) {
        await engine.kill('SIGKILL');
        engine = await spawn('engine');
      } else {
        await runner.kill('SIGKILL');
        runner = await spawn('runner');
      }
      kills++;
    }
    const ends = await allDone;
    const notSucceeded = ends.filter((e) => e.status !== 'succeeded');
    expect(notSucceeded.map((e) => ({ run: e.runId, status: e.status, error: e.error, seed }))).toEqual([]);
    // Every element's output, collected in order through heads and sealed segments alike.
    const eachKeys = Array.from({ length: EACH }, (_, i) => `each.e${i}`);
    expect(ends.at(-2)?.output).toEqual({ keys: eachKeys });

    const lines = readFileSync(effectsFile, 'utf8').split('\n').filter(Boolean);
    const expected = [
      ...Array.from({ length: runs }, (_, i) => ['a', 'b', 'c', 'd'].map((t) => `r${i}.${t}`)).flat(),
      ...Object.keys(bigEffects.tasks).map((t) => `big.${t}`),
      ...eachKeys,
    ];
    expect(lines.sort()).toEqual(expected.sort());

    const heads = await runHeads();
    for (const [key, state] of heads) expect(state.status, `run ${key} (seed ${seed})`).not.toBe('running');
    // The big run's head lists the segments its ended tasks were sealed into.
    expect(heads.get(ids.at(-1)!)?.segments?.length).toBeGreaterThanOrEqual(2);
    expect(kills).toBeGreaterThan(0);
  }, 180_000);

  it('finishes every run with each side effect once while the nats-server is killed -9 and restarted', async () => {
    const seed = Number(process.env.OO_CRASH_SEED ?? 20261127);
    const random = seeded(seed);
    bed = await startEngineTestbed([effects, bigEffects]);
    const effectsFile = join(mkdtempSync(join(tmpdir(), 'oo-effects-')), 'effects.log');
    writeFileSync(effectsFile, '');
    const env = { NATS_URL: bed.server.url, TEMPLATES_DIR: bed.templatesDir, EFFECTS_FILE: effectsFile };
    for (const role of ['engine', 'runner'] as const) {
      const child = spawnTsx(processFile, { ...env, ROLE: role });
      children.push(child);
      await child.waitForLine(/^ready /);
    }

    const runs = 16;
    const ids = await Promise.all(
      Array.from({ length: runs }, (_, i) => bed.start('effects', { id: `r${i}` })),
    );
    ids.push(await bed.start('effects-big', { id: 'big' }));
    const { ends: allDone, settled } = awaitEnds(ids, 150_000);
    // Down three times while tasks are in flight: the actors and the watcher reconnect on their own.
    for (let outage = 0; outage < 3; outage++) {
      await new Promise((r) => setTimeout(r, 300 + random() * 700));
      await bed.server.kill();
      await new Promise((r) => setTimeout(r, 200 + random() * 800));
      await bed.server.restart();
    }
    expect(settled(), 'the runs were still going when the last outage ended').toBe(false);
    const ends = await allDone;
    const notSucceeded = ends.filter((e) => e.status !== 'succeeded');
    expect(notSucceeded.map((e) => ({ run: e.runId, status: e.status, error: e.error, seed }))).toEqual([]);

    const lines = readFileSync(effectsFile, 'utf8').split('\n').filter(Boolean);
    const expected = [
      ...Array.from({ length: runs }, (_, i) => ['a', 'b', 'c', 'd'].map((t) => `r${i}.${t}`)).flat(),
      ...Object.keys(bigEffects.tasks).map((t) => `big.${t}`),
    ];
    expect(lines.sort()).toEqual(expected.sort());
    for (const [key, state] of await runHeads()) {
      expect(state.status, `run ${key} (seed ${seed})`).not.toBe('running');
    }
  }, 180_000);
});
