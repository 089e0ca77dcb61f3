/**
 * A private nats-server: JetStream on, random port, store in a temp folder (or a given one). Tests
 * kill it with SIGKILL and restart it on the same port and store; `oo up` runs its own with it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { couldNotExecute, diesWithParent } from './parent-death.js';

export interface NatsServer {
  readonly url: string;
  readonly port: number;
  readonly storeDir: string;
  /** The HTTP monitoring endpoint (`/varz`, `/jsz`...), when started with `monitor`. */
  readonly monitorUrl: string | undefined;
  /** SIGKILL: no chance to flush, as a crash. */
  kill(): Promise<void>;
  /** Starts again on the same port and store (after kill or stop). */
  restart(): Promise<void>;
  /** Stops the server; removes its store when it was a temp folder. */
  stop(): Promise<void>;
}

export interface StartNatsServerOptions {
  /** 0 or absent picks a free port. */
  port?: number;
  /** Keep JetStream data here (kept at stop); a temp folder (removed at stop) when absent. */
  storeDir?: string;
  /** nats-server binary; default $NATS_SERVER_BIN or `nats-server` from PATH. */
  bin?: string;
  /**
   * Run this config file (one of deploy/nats/) instead of the flags: its `$OO_NATS_LISTEN` and
   * `$OO_NATS_STORE` are given this server's address and store, `env` adds the rest (passwords).
   */
  config?: { file: string; env?: Record<string, string> };
  /** Also serve the HTTP monitoring endpoint, on a free port (not with `config`). */
  monitor?: boolean;
}

type Launch = Pick<StartNatsServerOptions, 'config'> & {
  bin: string;
  port: number;
  storeDir: string;
  /** -1 picks a free one; undefined: none. */
  monitorPort: number | undefined;
};

function spawnServer({ bin, port, storeDir, config, monitorPort }: Launch): ChildProcess {
  const stdio: ['ignore', 'ignore', 'pipe'] = ['ignore', 'ignore', 'pipe'];
  if (!config) {
    const monitor = monitorPort === undefined ? [] : ['-m', String(monitorPort)];
    const args = ['-js', '-a', '127.0.0.1', '-p', String(port), ...monitor, '-sd', storeDir];
    return spawn(...diesWithParent(bin, args), { stdio });
  }
  const env = { ...process.env, ...config.env, OO_NATS_LISTEN: `127.0.0.1:${port}`, OO_NATS_STORE: storeDir };
  return spawn(...diesWithParent(bin, ['-c', config.file]), { stdio, env });
}

const READY = /Server is ready/;
const LISTEN = /Listening for client connections on [^:]+:(\d+)/;
const MONITOR = /Starting http monitor on [^:]+:(\d+)/;

interface Launched {
  child: ChildProcess;
  port: number;
  monitorPort: number | undefined;
}

function launch(options: Launch): Promise<Launched> {
  const child = spawnServer(options);
  return new Promise((resolve, reject) => {
    let log = '';
    let boundPort = options.port;
    let monitorPort = options.monitorPort;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`nats-server did not become ready in 10 s:\n${log}`));
    }, 10_000);
    child.stderr?.setEncoding('utf8');
    const onData = (chunk: string) => {
      log += chunk;
      const listen = LISTEN.exec(log);
      if (listen) boundPort = Number(listen[1]);
      const monitor = MONITOR.exec(log);
      if (monitor) monitorPort = Number(monitor[1]);
      if (READY.test(log)) {
        clearTimeout(timer);
        child.stderr?.off('data', onData);
        child.stderr?.resume();
        resolve({ child, port: boundPort, monitorPort });
      }
    };
    child.stderr?.on('data', onData);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(
        new Error(`cannot start nats-server (is the Debian package nats-server installed?): ${err.message}`),
      );
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      const hint = couldNotExecute(log) ? ' (is the Debian package nats-server installed?)' : '';
      reject(new Error(`nats-server exited with ${code} before ready${hint}:\n${log}`));
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Starts a private nats-server; `port` 0 (default) picks a free one. */
export async function startNatsServer(options: StartNatsServerOptions = {}): Promise<NatsServer> {
  const temporary = options.storeDir === undefined;
  const storeDir = options.storeDir ?? mkdtempSync(join(tmpdir(), 'oo-nats-'));
  const bin = options.bin ?? process.env.NATS_SERVER_BIN ?? 'nats-server';
  if (options.monitor && options.config) throw new Error('monitor is for servers started without config');
  const start = (port: number, monitorPort: number | undefined) =>
    launch({ bin, port, storeDir, config: options.config, monitorPort });
  let { child, port, monitorPort } = await start(options.port || -1, options.monitor ? -1 : undefined);
  return {
    get url() {
      return `nats://127.0.0.1:${port}`;
    },
    get port() {
      return port;
    },
    storeDir,
    get monitorUrl() {
      return monitorPort === undefined ? undefined : `http://127.0.0.1:${monitorPort}`;
    },
    async kill() {
      child.kill('SIGKILL');
      await exited(child);
    },
    async restart() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited(child);
      }
      ({ child, port, monitorPort } = await start(port, monitorPort));
    },
    async stop() {
      child.kill('SIGTERM');
      await exited(child);
      if (temporary) rmSync(storeDir, { recursive: true, force: true });
    },
  };
}
