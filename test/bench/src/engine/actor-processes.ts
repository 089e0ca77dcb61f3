/**
 * Engine and runner each alone in a child process from the compiled build (actor-process.ts), as a
 * deployment runs `oo actor engine` and `oo actor runner`, so a benchmark can read each one's CPU
 * and memory from /proc and the two can use two cores.
 */
import { execFileSync } from 'node:child_process';
import { type ChildHandle, spawnCompiled } from '@oo/test-harness';

const buildScript = new URL('../../../../cli/bin/build.js', import.meta.url).pathname;
// The compiled twin of ./actor-process.ts.
const actorProcess = new URL('../../dist/engine/actor-process.js', import.meta.url).pathname;

export interface ActorProcesses {
  readonly engine: ChildHandle;
  readonly runner: ChildHandle;
  /** SIGTERM (drain), SIGKILL after 15 s. */
  stop(): Promise<void>;
}

async function stopChild(child: ChildHandle): Promise<void> {
  const killer = setTimeout(() => void child.kill('SIGKILL'), 15_000);
  await child.kill('SIGTERM');
  clearTimeout(killer);
}

/** Brings the compiled build up to date, then starts the engine (over `templatesDir`) and the runner. */
export async function startActorProcesses(natsUrl: string, templatesDir: string): Promise<ActorProcesses> {
  execFileSync(process.execPath, [buildScript], { stdio: 'ignore' });
  const children: ChildHandle[] = [];
  const stop = async () => {
    await Promise.allSettled(children.map(stopChild));
  };
  const spawn = async (role: 'engine' | 'runner') => {
    const child = spawnCompiled(actorProcess, { NATS_URL: natsUrl, ROLE: role, TEMPLATES_DIR: templatesDir });
    children.push(child);
    await child.waitForLine(/^ready /, 60_000);
    return child;
  };
  try {
    return { engine: await spawn('engine'), runner: await spawn('runner'), stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
