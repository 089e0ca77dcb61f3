/**
 * The clock that moves jobs along, independent of requests: `pending` -> `waiting` -> `running`
 * (`started` set, play events) -> one task per step (task + runner events) -> terminal
 * (`finished`, `playbook_on_stats`) -> `event_processing_finished` one step later. Each arrow is a
 * timer of `stepDelayMs`; scripted outcomes bend the path (stuck in pending, slow running, error
 * before running, failed or unreachable host). Timers are unref'd and cleared by `stop()`.
 */
import type { AwxSimJobTemplate, AwxSimStore } from './store.js';
import { type AwxSimEvent, type AwxSimJob, type AwxSimJobStatus, TERMINAL_STATUSES } from './types.js';

export interface LifecycleOptions {
  stepDelayMs: number;
  /** How long a `slow_running` job stays running (ms). */
  slowRunningMs: number;
}

export type JobLifecycle = ReturnType<typeof createJobLifecycle>;

export function createJobLifecycle(store: AwxSimStore, options: LifecycleOptions) {
  const timers = new Map<number, NodeJS.Timeout>();
  let stopped = false;

  function after(job: AwxSimJob, ms: number, step: () => void): void {
    clearTimeout(timers.get(job.id));
    if (stopped) return;
    const timer = setTimeout(() => {
      timers.delete(job.id);
      step();
    }, ms);
    timer.unref();
    timers.set(job.id, timer);
  }

  function setStatus(job: AwxSimJob, status: AwxSimJobStatus): void {
    const now = Date.now();
    const stamp = new Date(now).toISOString();
    job.status = status;
    job.history.push(status);
    job.modified = stamp;
    if (status === 'running' && job.startedMs === null) {
      job.startedMs = now;
      job.started = stamp;
    }
    if (TERMINAL_STATUSES.has(status) && job.finishedMs === null) {
      job.finishedMs = now;
      job.finished = stamp;
      after(job, options.stepDelayMs, () => {
        job.event_processing_finished = true;
      });
    }
  }

  function emit(job: AwxSimJob, event: string, fields: Partial<AwxSimEvent> = {}): void {
    const stdout = fields.stdout ?? '';
    const last = job.events.at(-1);
    const startLine = last?.end_line ?? 0;
    const lines = stdout === '' ? 0 : stdout.split('\n').length;
    job.events.push({
      id: store.nextEventId(),
      job: job.id,
      event,
      counter: job.events.length + 1,
      event_data: fields.event_data ?? {},
      failed: fields.failed ?? false,
      changed: fields.changed ?? false,
      host_name: fields.host_name ?? '',
      task: fields.task ?? '',
      play: fields.play ?? job.name,
      stdout,
      start_line: startLine,
      end_line: startLine + lines,
      created: new Date().toISOString(),
    });
  }

  function hostsOf(job: AwxSimJob): string[] {
    const inInventory = [...store.hosts.values()]
      .filter((h) => h.inventory === job.prompts.inventory && h.enabled)
      .map((h) => h.name);
    const limit = job.prompts.limit.trim();
    if (limit === '' || limit === 'all') return inInventory;
    const wanted = new Set(limit.split(/[,:]/).map((p) => p.trim()));
    return inInventory.filter((name) => wanted.has(name));
  }

  function begin(job: AwxSimJob): void {
    setStatus(job, 'pending');
    if (job.outcome === 'stuck_pending') return;
    after(job, options.stepDelayMs, () => {
      setStatus(job, 'waiting');
      after(job, options.stepDelayMs, () => run(job));
    });
  }

  function run(job: AwxSimJob): void {
    if (job.outcome === 'error') {
      job.job_explanation = 'Job terminated due to error';
      job.result_traceback =
        'Traceback (most recent call last):\n  File "/awx/main/tasks/jobs.py", line 499, in run\n' +
        'RuntimeError: simulated error (oo_sim_outcome=error)\n';
      setStatus(job, 'error');
      return;
    }
    setStatus(job, 'running');
    emit(job, 'playbook_on_start');
    emit(job, 'playbook_on_play_start', { stdout: `\nPLAY [${job.name}] ${'*'.repeat(40)}` });
    const jt = store.jobTemplates.get(job.job_template);
    const firstDelay = job.outcome === 'slow_running' ? options.slowRunningMs : options.stepDelayMs;
    after(job, firstDelay, () => runTask(job, jt, 0));
  }

  function runTask(job: AwxSimJob, jt: AwxSimJobTemplate | undefined, index: number): void {
    const tasks = Math.max(1, jt?.tasks ?? 2);
    const task = `simulated task ${index + 1}`;
    emit(job, 'playbook_on_task_start', { task, stdout: `\nTASK [${task}] ${'*'.repeat(40)}` });
    const isLast = index === tasks - 1;
    const hosts = hostsOf(job);
    for (const [h, host] of hosts.entries()) {
      const unreachable = job.outcome === 'unreachable' && h === 0;
      const failed = job.outcome === 'failed' && isLast && h === 0;
      if (unreachable) {
        emit(job, 'runner_on_unreachable', {
          task,
          host_name: host,
          failed: true,
          stdout: `fatal: [${host}]: UNREACHABLE! => {"changed": false, "msg": "simulated unreachable", "unreachable": true}`,
        });
      } else if (failed) {
        emit(job, 'runner_on_failed', {
          task,
          host_name: host,
          failed: true,
          stdout: `fatal: [${host}]: FAILED! => {"changed": false, "msg": "simulated failure"}`,
        });
      } else {
        emit(job, 'runner_on_ok', { task, host_name: host, changed: true, stdout: `changed: [${host}]` });
      }
    }
    if (!isLast && job.outcome !== 'unreachable') {
      after(job, options.stepDelayMs, () => runTask(job, jt, index + 1));
      return;
    }
    after(job, options.stepDelayMs, () => finish(job, jt, hosts));
  }

  function finish(job: AwxSimJob, jt: AwxSimJobTemplate | undefined, hosts: string[]): void {
    const counts = hostCounts(job, hosts);
    const recap = hosts.map(
      (h) =>
        `${h.padEnd(26)} : ok=${counts.ok[h] ?? 0} changed=${counts.ok[h] ?? 0} unreachable=${counts.dark[h] ?? 0} ` +
        `failed=${counts.failures[h] ?? 0} skipped=0 rescued=0 ignored=0`,
    );
    emit(job, 'playbook_on_stats', {
      stdout: `\nPLAY RECAP ${'*'.repeat(40)}\n${recap.join('\n')}`,
      event_data: { ok: counts.ok, changed: counts.ok, failures: counts.failures, dark: counts.dark },
    });
    const failedHosts = Object.keys(counts.failures).length;
    const darkHosts = Object.keys(counts.dark).length;
    // AWX counts each host once, under its worst outcome; every simulated task reports a change.
    job.host_status_counts = {
      ok: 0,
      changed: hosts.length - failedHosts - darkHosts,
      failures: failedHosts,
      dark: darkHosts,
      skipped: 0,
    };
    if (failedHosts + darkHosts > 0) {
      setStatus(job, 'failed');
    } else {
      job.artifacts = { ...(jt?.artifacts ?? {}) };
      setStatus(job, 'successful');
    }
  }

  function hostCounts(job: AwxSimJob, hosts: string[]) {
    const ok: Record<string, number> = {};
    const failures: Record<string, number> = {};
    const dark: Record<string, number> = {};
    for (const e of job.events) {
      if (!hosts.includes(e.host_name)) continue;
      const bucket = e.event === 'runner_on_ok' ? ok : e.event === 'runner_on_failed' ? failures : dark;
      if (e.event.startsWith('runner_on_')) bucket[e.host_name] = (bucket[e.host_name] ?? 0) + 1;
    }
    return { ok, failures, dark };
  }

  return {
    /** Takes a freshly created job (`new`) to `pending` and sets its clock going. */
    start(job: AwxSimJob): void {
      begin(job);
    },
    /**
     * AWX's cancel: false when the job is already terminal. A job not yet on a worker is canceled at
     * once; a waiting or running one one step later.
     */
    cancel(job: AwxSimJob): boolean {
      if (TERMINAL_STATUSES.has(job.status)) return false;
      job.canceled_on ??= new Date().toISOString();
      job.job_explanation = 'Job was canceled';
      if (job.status === 'new' || job.status === 'pending') {
        setStatus(job, 'canceled');
      } else {
        after(job, options.stepDelayMs, () => setStatus(job, 'canceled'));
      }
      return true;
    },
    /** Hosts that failed or were unreachable in a finished job (for `relaunch` with `hosts: failed`). */
    failedHosts(job: AwxSimJob): string[] {
      const names = job.events
        .filter((e) => e.event === 'runner_on_failed' || e.event === 'runner_on_unreachable')
        .map((e) => e.host_name);
      return [...new Set(names)];
    },
    stop(): void {
      stopped = true;
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
    },
  };
}
