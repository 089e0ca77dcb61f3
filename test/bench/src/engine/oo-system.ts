/**
 * OO as the engine benchmarks run it, in this process as `oo up` runs it: the engine actor over a
 * folder of templates, the built-in runner (with a timing interceptor), and a driver that starts
 * runs and resolves when each one ends. The caller owns the nats-server.
 */
import { EngineSubjects, newId, type RunEvent, type TaskEvent, type TemplateInput } from '@oo/contracts';
import { engineActor } from '@oo/engine';
import { runnerActor } from '@oo/runner';
import { type ActorHandle, defineActor, startActor } from '@oo/runtime';
import { benchActorOptions } from './bench-actor-options.js';
import { templatesFolder } from './bench-templates.js';
import { type TaskTimings, taskTimings } from './task-timings.js';

export interface OoSystem {
  readonly timings: TaskTimings;
  /** Starts a run and resolves with its `succeeded` event; rejects when it ends otherwise or times out. */
  run(template: string, input?: unknown, timeoutMs?: number): Promise<RunEvent>;
  /** Stops the actors and removes the templates folder. */
  stop(): Promise<void>;
}

/**
 * A driver actor: publishes `oo.cmd.engine.start` and hears run events (and, when asked, task
 * events) live over core NATS, so a run is seen to end as soon as the engine says so.
 */
export async function startRunDriver(url: string, onTaskEvent?: (event: TaskEvent) => void) {
  const waiters = new Map<string, (event: RunEvent) => void>();
  const handle = await startActor(
    defineActor({
      name: 'bench-driver',
      version: '0.0.0',
      async setup(env) {
        env.listen(EngineSubjects.runEvents, (event) => {
          if (event.status === 'running') return;
          waiters.get(event.runId)?.(event);
        });
        if (onTaskEvent) env.listen(EngineSubjects.taskEvents, onTaskEvent);
        return {};
      },
    }),
    benchActorOptions(url),
  );
  /** Publishes the start command; resolves with the run id once the stream has it. */
  const start = async (template: string, input: unknown = {}, runId = newId('run')): Promise<string> => {
    await handle.publish(EngineSubjects.start, { runId, template, input });
    return runId;
  };
  /** Starts a run and resolves with its `succeeded` event; rejects when it ends otherwise or times out. */
  const run = async (template: string, input: unknown = {}, timeoutMs = 120_000): Promise<RunEvent> => {
    const runId = newId('run');
    let timer: NodeJS.Timeout | undefined;
    const ended = new Promise<RunEvent>((resolve, reject) => {
      timer = setTimeout(() => {
        waiters.delete(runId);
        reject(new Error(`run ${runId} of ${template} did not end in ${timeoutMs} ms`));
      }, timeoutMs);
      waiters.set(runId, (event) => {
        clearTimeout(timer);
        waiters.delete(runId);
        if (event.status === 'succeeded') resolve(event);
        else reject(new Error(`run ${runId} of ${template} ended ${event.status}: ${event.error?.message}`));
      });
    });
    try {
      await start(template, input, runId);
    } catch (err) {
      clearTimeout(timer);
      waiters.delete(runId);
      throw err;
    }
    return ended;
  };
  return { handle, start, run };
}

export type RunDriver = Awaited<ReturnType<typeof startRunDriver>>;

export async function startOo(url: string, templates: readonly TemplateInput[]): Promise<OoSystem> {
  const folder = templatesFolder(templates);
  const timings = taskTimings();
  const options = benchActorOptions(url);
  const handles: ActorHandle[] = [];
  try {
    handles.push(await startActor(engineActor({ templatesDir: folder.dir }), options));
    handles.push(
      await startActor(defineActor({ ...runnerActor, interceptors: [timings.interceptor] }), options),
    );
    const driver = await startRunDriver(url);
    handles.push(driver.handle);
    return {
      timings,
      run: driver.run,
      async stop() {
        await Promise.allSettled(handles.map((h) => h.stop()));
        folder.remove();
      },
    };
  } catch (err) {
    await Promise.allSettled(handles.map((h) => h.stop()));
    folder.remove();
    throw err;
  }
}
