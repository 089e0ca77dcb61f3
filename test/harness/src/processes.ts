/**
 * Runs a file in a child process — TypeScript with tsx, or the compiled build — so fault tests can
 * kill -9 a real actor and benchmarks can read one actor's CPU and memory.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

export interface ChildHandle {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Everything the child wrote to stdout so far. */
  output(): string;
  /** Resolves with the first stdout line matching `pattern`. */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
  kill(signal?: NodeJS.Signals): Promise<number | null>;
  exited(): Promise<number | null>;
}

const require = createRequire(import.meta.url);
// `node --import <tsx loader>` keeps the script in this one process: the tsx CLI would put it in a
// grandchild that survives a SIGKILL aimed at its parent.
const tsxLoader = pathToFileURL(require.resolve('tsx')).href;
/**
 * Stops a child whose spawning process died (orphan-guard.mjs); its stdin is the lifeline. Found
 * from src/ and from the compiled dist/ alike: the build compiles .ts files only.
 */
const orphanGuard = new URL('../src/orphan-guard.mjs', import.meta.url).href;

export function spawnTsx(
  file: string,
  env: Record<string, string> = {},
  args: readonly string[] = [],
): ChildHandle {
  return spawnNode(['--import', tsxLoader, file, ...args], env);
}

/** The node flags `oo` runs with: its shebang's and the systemd unit's (cli/bin/oo.js says why). */
export const DEPLOYED_NODE_FLAGS: readonly string[] = [
  '--conditions=oo-compiled',
  '--max-semi-space-size=32',
];

/**
 * Runs a file of the compiled build (a `dist/*.js`, see cli/bin/build.js) with @oo/* packages
 * resolved to theirs, as deployments run `oo actor`: no TypeScript loader in the process.
 */
export function spawnCompiled(
  file: string,
  env: Record<string, string> = {},
  args: readonly string[] = [],
): ChildHandle {
  return spawnNode([...DEPLOYED_NODE_FLAGS, file, ...args], env);
}

function spawnNode(nodeArgs: readonly string[], env: Record<string, string>): ChildHandle {
  const child = spawn(process.execPath, ['--import', orphanGuard, ...nodeArgs], {
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.setEncoding('utf8').on('data', (c: string) => {
    out += c;
  });
  child.stderr?.setEncoding('utf8').on('data', (c: string) => {
    err += c;
  });
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    pid: child.pid ?? -1,
    output: () => out,
    waitForLine(pattern, timeoutMs = 15_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const line = out.split('\n').find((l) => pattern.test(l));
          if (line === undefined) return false;
          clearTimeout(timer);
          child.stdout?.off('data', check);
          resolve(line);
          return true;
        };
        const timer = setTimeout(() => {
          child.stdout?.off('data', check);
          reject(
            new Error(`no line matching ${pattern} in ${timeoutMs} ms; stdout:\n${out}\nstderr:\n${err}`),
          );
        }, timeoutMs);
        if (!check()) child.stdout?.on('data', check);
      });
    },
    async kill(signal = 'SIGKILL') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exit;
    },
    exited: () => exit,
  };
}
