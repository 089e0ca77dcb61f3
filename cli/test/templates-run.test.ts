/**
 * `oo templates run` as a template author runs it: against a real engine and runner on a real
 * nats-server, the run and its child runs told line by line, the ended run printed with its trace.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { type AddressInfo, connect, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BucketNames, EngineSubjects, type RunEvent, StreamNames } from '@oo/contracts';
import { engineActor } from '@oo/engine';
import { runnerActor } from '@oo/runner';
import {
  type ActorHandle,
  connectNats,
  defineActor,
  openBucket,
  RuntimeConfig,
  startActor,
} from '@oo/runtime';
import { type NatsServer, startNatsServer, waitFor } from '@oo/test-harness';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { taskLine } from '../src/event-lines.js';

const oo = new URL('../bin/oo.js', import.meta.url).pathname;

const greet = {
  name: 'greet',
  version: 1,
  input: {
    type: 'object',
    required: ['name'],
    properties: { name: { type: 'string' } },
    additionalProperties: false,
  },
  tasks: {
    hello: { type: 'noop', input: { greeting: "='hello ' & input.name" } },
    done: { type: 'noop', needs: ['hello'], input: { said: '=tasks.hello.output.greeting' } },
  },
  output: { said: '=tasks.done.output.said' },
};

const twice = {
  name: 'greet-twice',
  version: 1,
  input: { type: 'object', properties: { name: { type: 'string' } } },
  tasks: {
    first: { type: 'workflow.run', input: { template: 'greet', input: { name: '=input.name' } } },
    second: {
      type: 'workflow.run',
      needs: ['first'],
      input: { template: 'greet', input: { name: '=tasks.first.output.said' } },
    },
  },
  output: { last: '=tasks.second.output.said' },
};

/** A task that outlasts a nats-server restart. */
const nap = {
  name: 'nap',
  version: 1,
  input: { type: 'object' },
  tasks: {
    nap: { type: 'sleep', input: { ms: 3000 } },
    after: { type: 'noop', needs: ['nap'], input: { slept: '=tasks.nap.output.sleptMs' } },
  },
  output: { slept: '=tasks.after.output.slept' },
};

/** Its output is larger than the actors' inline limit here, so it travels by reference. */
const echo = {
  name: 'echo',
  version: 1,
  input: { type: 'object', properties: { text: { type: 'string' } } },
  tasks: { say: { type: 'noop', input: { text: '=input.text' } } },
  output: { text: '=tasks.say.output.text' },
};
const INLINE_MAX_BYTES = 1_024;

let server: NatsServer;
let templatesDir: string;
let data: string;
const actors: ActorHandle[] = [];

beforeAll(async () => {
  server = await startNatsServer();
  templatesDir = mkdtempSync(join(tmpdir(), 'oo-templates-run-'));
  writeFileSync(join(templatesDir, 'greet.json'), JSON.stringify(greet));
  writeFileSync(join(templatesDir, 'greet-twice.json'), JSON.stringify(twice));
  writeFileSync(join(templatesDir, 'nap.json'), JSON.stringify(nap));
  writeFileSync(join(templatesDir, 'echo.json'), JSON.stringify(echo));
  // An empty data folder: no `oo up` to take NATS from, only NATS_URL.
  data = join(templatesDir, 'data');
  mkdirSync(data);
  const options = {
    config: RuntimeConfig.parse({
      nats: { url: server.url },
      log: { level: 'silent' },
      outputs: { inlineMaxBytes: INLINE_MAX_BYTES },
    }),
    log: pino({ level: 'silent' }),
  };
  actors.push(await startActor(engineActor({ templatesDir }), options));
  actors.push(await startActor(runnerActor, options));
});

afterAll(async () => {
  for (const actor of actors) await actor.stop();
  await server.stop();
  rmSync(templatesDir, { recursive: true, force: true });
});

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `oo templates run ...` with NATS_URL set; `stdin` is written to it; never throws for an exit code. */
function ooRun(args: string[], stdin?: string, url = server.url): Promise<Ran> {
  return startOoRun(args, stdin, url).done;
}

/** `oo templates run ...` started: the process, its stderr so far, and how it ended. */
function startOoRun(args: string[], stdin?: string, url = server.url) {
  let finish: (ran: Ran) => void = () => undefined;
  const done = new Promise<Ran>((resolve) => {
    finish = resolve;
  });
  const child = execFile(
    process.execPath,
    [oo, 'templates', 'run', ...args, '--data', data],
    { env: { ...process.env, NATS_URL: url } },
    (err, stdout, stderr) => finish({ code: (err as { code?: number } | null)?.code ?? 0, stdout, stderr }),
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  child.stdin?.end(stdin ?? '');
  return { child, stderr: () => stderr, done };
}

const ended = (ran: Ran) => JSON.parse(ran.stdout) as RunEvent & { traceId: string };

/** Collects the run events on the server while it is started (a listener of its own). */
function listenRuns(seen: RunEvent[]): Promise<ActorHandle> {
  return startActor(
    defineActor({
      name: 'templates-run-listener',
      version: '0.0.0',
      async setup(env) {
        env.listen(EngineSubjects.runEvents, (event) => seen.push(event));
        return {};
      },
    }),
    {
      config: RuntimeConfig.parse({ nats: { url: server.url }, log: { level: 'silent' } }),
      log: pino({ level: 'silent' }),
    },
  );
}

/**
 * A TCP proxy to the nats-server whose connections can be cut: `cut` drops them and refuses new
 * ones (the client keeps trying), `mend` lets them through again.
 */
async function tcpProxy(port: number) {
  const sockets = new Set<Socket>();
  let open = true;
  const proxy = createServer((client) => {
    if (!open) {
      client.destroy();
      return;
    }
    const upstream = connect(port, '127.0.0.1');
    for (const [a, b] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      sockets.add(a);
      a.pipe(b);
      a.on('error', () => b.destroy());
      a.on('close', () => {
        sockets.delete(a);
        b.destroy();
      });
    }
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  return {
    url: `nats://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
    cut() {
      open = false;
      for (const socket of sockets) socket.destroy();
    },
    mend() {
      open = true;
    },
    close() {
      this.cut();
      proxy.close();
    },
  };
}

describe('oo templates run', () => {
  it('runs a template, tells each step, prints the ended run with its output and trace', async () => {
    const input = join(templatesDir, 'ada.json');
    writeFileSync(input, JSON.stringify({ name: 'Ada' }));
    const ran = await ooRun(['greet', '--input', input]);
    expect(ran.code).toBe(0);
    const run = ended(ran);
    expect(run).toMatchObject({
      template: 'greet',
      version: 1,
      status: 'succeeded',
      output: { said: 'hello Ada' },
    });
    expect(run.traceId).toMatch(/^[0-9a-f]{32}$/);
    const lines = ran.stderr.trimEnd().split('\n');
    expect(lines[0]).toBe(`run ${run.runId} of greet sent, trace ${run.traceId}`);
    const steps = lines.slice(1).map((l) => l.slice(9)); // without the time
    expect(steps[0]).toBe(`run ${run.runId} greet@1 running`);
    expect(steps).toContain('task hello noop succeeded');
    expect(steps.indexOf('task hello noop succeeded')).toBeLessThan(
      steps.indexOf('task done noop scheduled'),
    );
    expect(steps.at(-1)).toBe(`run ${run.runId} greet@1 succeeded`);

    // The engine ran it in the trace the command printed.
    const nats = await connectNats({ url: server.url }, 'templates-run-test');
    try {
      const runs = await openBucket(nats, BucketNames.runs);
      const state = (await runs.get(run.runId.replace(/[^A-Za-z0-9_.-]/g, '_')))?.json<{ traceId: string }>();
      expect(state?.traceId).toBe(run.traceId);
    } finally {
      await nats.nc.close();
    }
  });

  it('follows the child runs it starts, indented under the task that started them', async () => {
    const ran = await ooRun(['greet-twice', '--input', '-'], JSON.stringify({ name: 'Bo' }));
    expect(ran.code).toBe(0);
    expect(ended(ran).output).toEqual({ last: 'hello hello Bo' });
    const steps = ran.stderr
      .trimEnd()
      .split('\n')
      .slice(1)
      .map((l) => l.slice(9));
    const children = steps.filter((s) => /^ {2}run \S+ greet@1 running$/.test(s));
    expect(children).toHaveLength(2);
    expect(steps.filter((s) => s === '  task hello noop succeeded')).toHaveLength(2);
    expect(steps.indexOf('task first workflow.run succeeded')).toBeGreaterThan(
      steps.indexOf('  task done noop succeeded'),
    );
  });

  it('prints an output too large to travel inline as its value, read from the outputs store', async () => {
    const text = 'x'.repeat(4 * INLINE_MAX_BYTES);
    const ran = await ooRun(['echo', '--input', '-', '--quiet'], JSON.stringify({ text }));
    expect(ran.code).toBe(0);
    expect(ended(ran).output).toEqual({ text });
  });

  it('exits 3 with the error when the run fails: input against the template schema, an unknown template', async () => {
    const invalid = await ooRun(['greet', '--input', '-'], JSON.stringify({ name: 7, extra: true }));
    expect(invalid.code).toBe(3);
    expect(ended(invalid)).toMatchObject({
      status: 'failed',
      error: { code: 'OO_ERR_WORKFLOW_INPUT_INVALID' },
    });
    expect(ended(invalid).error?.message).toMatch(/name must be string/);
    expect(invalid.stderr).toMatch(/greet@1 failed \(OO_ERR_WORKFLOW_INPUT_INVALID: /);

    const unknown = await ooRun(['nothing-here']);
    expect(unknown.code).toBe(3);
    expect(ended(unknown)).toMatchObject({
      status: 'failed',
      error: {
        code: 'OO_ERR_WORKFLOW_TEMPLATE_NOT_FOUND',
        message: 'no template nothing-here is loaded (loaded: echo, greet, greet-twice, nap)',
      },
    });
    // No template, so no version: `nothing-here failed`, not `nothing-here@0 failed`.
    expect(unknown.stderr).toMatch(/ nothing-here failed \(OO_ERR_WORKFLOW_TEMPLATE_NOT_FOUND: /);
    expect(unknown.stderr).toContain(
      'the engine has not loaded nothing-here: if its file is in the templates folder, `oo templates validate <folder>` tells why it is refused',
    );
    expect(invalid.stderr).not.toContain('oo templates validate');
  });

  it('exits 1 naming the problem for input it cannot read, a bad version or template name, and sends nothing', async () => {
    const commands = async () => {
      const nats = await connectNats({ url: server.url }, 'templates-run-test');
      try {
        return (await nats.jsm.streams.info(StreamNames.commands)).state.messages;
      } finally {
        await nats.nc.close();
      }
    };
    const before = await commands();
    const notJson = await ooRun(['greet', '--input', '-'], '{"name": ');
    expect(notJson.code).toBe(1);
    expect(notJson.stderr).toMatch(/^oo: OO_ERR_MSG_INVALID_JSON: - is not JSON: /);
    const version = await ooRun(['greet', '--version', '0']);
    expect(version.code).toBe(1);
    expect(version.stderr).toBe('oo: OO_ERR_CONFIG_INVALID: --version must be a whole number from 1\n');
    const name = await ooRun(['Not A Name']);
    expect(name.code).toBe(1);
    expect(name.stderr).toMatch(
      /^oo: OO_ERR_MSG_SCHEMA: body for oo\.cmd\.engine\.start is invalid: template: /,
    );
    expect(notJson.stdout + version.stdout + name.stdout).toBe('');
    expect(await commands()).toBe(before);
  });

  it('with --no-wait, prints the ids once the engine has the start, and the run goes on', async () => {
    const seen: RunEvent[] = [];
    const listener = await listenRuns(seen);
    try {
      const ran = await ooRun(['greet', '--no-wait', '--input', '-'], JSON.stringify({ name: 'Cy' }));
      expect(ran.code).toBe(0);
      expect(ran.stderr).toBe('');
      const ids = JSON.parse(ran.stdout) as { runId: string; traceId: string };
      expect(Object.keys(ids)).toEqual(['runId', 'traceId']);
      await waitFor(() => seen.some((e) => e.runId === ids.runId && e.status === 'succeeded'), {
        what: `run ${ids.runId} to succeed`,
      });
    } finally {
      await listener.stop();
    }
  });

  it('loses no event while its connection is down: it reads them from the stream once back', async () => {
    const proxy = await tcpProxy(server.port);
    try {
      const following = startOoRun(['nap'], undefined, proxy.url);
      await waitFor(() => following.stderr().includes('task nap sleep running'), {
        what: 'the sleep to be running',
      });
      // The command is cut off while the run ends (the engine and runner are not behind the proxy).
      proxy.cut();
      const seen: RunEvent[] = [];
      const listener = await listenRuns(seen);
      await waitFor(() => seen.some((e) => e.template === 'nap' && e.status === 'succeeded'), {
        what: 'the run to end while the command is cut off',
        timeoutMs: 15_000,
      });
      await listener.stop();
      expect(following.stderr()).not.toContain('nap@1 succeeded');
      proxy.mend();
      const ran = await following.done;
      expect(ran.code).toBe(0);
      expect(ended(ran)).toMatchObject({ status: 'succeeded', output: { slept: 3000 } });
      const steps = ran.stderr.split('\n').map((l) => l.slice(9));
      expect(steps).toContain('task nap sleep succeeded');
      expect(steps).toContain('task after noop succeeded');
    } finally {
      proxy.close();
    }
  });

  it('stops following at Ctrl-C, saying the run goes on, and exits 130; the run ends all the same', async () => {
    const seen: RunEvent[] = [];
    const listener = await listenRuns(seen);
    try {
      const following = startOoRun(['nap']);
      await waitFor(() => following.stderr().includes('task nap sleep running'), {
        what: 'the sleep to be running',
      });
      following.child.kill('SIGINT');
      const ran = await following.done;
      expect(ran.code).toBe(130);
      const runId = /stopped following: run (\S+) goes on \(trace [0-9a-f]{32}\)\n$/.exec(ran.stderr)?.[1];
      expect(runId).toMatch(/^run_/);
      await waitFor(() => seen.some((e) => e.runId === runId && e.status === 'succeeded'), {
        what: `run ${runId} to succeed after the command stopped`,
      });
    } finally {
      await listener.stop();
    }
  });

  it('says when no engine answers, and gives up at --timeout saying the run goes on', async () => {
    const alone = await startNatsServer();
    try {
      const ran = await ooRun(['greet', '--timeout', '6'], undefined, alone.url);
      expect(ran.code).toBe(1);
      expect(ran.stderr).toMatch(/no event of run_\S+ yet: is an engine running\? \(oo status\)\n/);
      expect(ran.stderr).toMatch(
        /oo: OO_ERR_TIMEOUT: run run_\S+ did not end within 6 s; it goes on \(trace [0-9a-f]{32}\)\n$/,
      );
    } finally {
      await alone.stop();
    }
  });
});

describe('run and task lines', () => {
  it('tell an attempt after the first, its error and when it is tried again', () => {
    const line = taskLine(
      {
        runId: 'run_1',
        taskKey: 'call',
        type: 'http.request',
        status: 'failed',
        attempt: 2,
        error: { code: 'OO_ERR_HTTP_STATUS', message: 'answered 503', retryable: true },
        retryAt: '2026-11-28T07:00:04.000Z',
        at: '2026-11-28T07:00:02.000Z',
      },
      1,
    );
    expect(line).toBe(
      '07:00:02   task call http.request failed (attempt 2) (OO_ERR_HTTP_STATUS: answered 503), again at 07:00:04',
    );
  });
});
