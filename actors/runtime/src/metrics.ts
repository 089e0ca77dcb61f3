/**
 * The Prometheus text exposition (format 0.0.4) of a process's actors: what each instance counts
 * for its presence entry, per handled subject, plus the process's own memory, CPU and event-loop
 * delay. Nothing here is computed per message: the consumer loops keep the counters (stats.ts) and
 * a scrape only reads them.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { type ActorStats, DURATION_BUCKETS } from './stats.js';

/** One actor instance as the metrics see it. */
export interface MetricsSource {
  readonly name: string;
  readonly instance: string;
  readonly stats: Readonly<ActorStats>;
}

type Labels = Readonly<Record<string, string>>;

/** Label values may hold anything; the format escapes backslash, double quote and newline. */
export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function labelText(labels: Labels): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabelValue(v)}"`);
  return parts.length === 0 ? '' : `{${parts.join(',')}}`;
}

/** Builds one exposition: each metric's HELP and TYPE once, then its samples. */
class Exposition {
  private readonly lines: string[] = [];

  metric(name: string, type: 'counter' | 'gauge' | 'histogram', help: string): this {
    this.lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    return this;
  }

  sample(name: string, labels: Labels, value: number): this {
    this.lines.push(`${name}${labelText(labels)} ${Number.isFinite(value) ? value : 'NaN'}`);
    return this;
  }

  text(): string {
    return `${this.lines.join('\n')}\n`;
  }
}

const delay = monitorEventLoopDelay({ resolution: 20 });
let delayEnabled = false;

/** Renders the metrics of `sources` and of this process. */
export function renderMetrics(sources: readonly MetricsSource[]): string {
  if (!delayEnabled) {
    // Started on first use: a process that is never scraped pays nothing for it.
    delay.enable();
    delayEnabled = true;
  }
  const out = new Exposition();
  const memory = process.memoryUsage();
  const cpu = process.cpuUsage();
  out.metric('process_resident_memory_bytes', 'gauge', 'Resident memory of the process.');
  out.sample('process_resident_memory_bytes', {}, memory.rss);
  out.metric('nodejs_heap_used_bytes', 'gauge', 'V8 heap in use.');
  out.sample('nodejs_heap_used_bytes', {}, memory.heapUsed);
  out.metric('process_cpu_seconds_total', 'counter', 'CPU time the process used (user and system).');
  out.sample('process_cpu_seconds_total', {}, (cpu.user + cpu.system) / 1e6);
  out.metric('process_start_time_seconds', 'gauge', 'Start of the process, seconds since the epoch.');
  out.sample('process_start_time_seconds', {}, Math.round(Date.now() / 1000 - process.uptime()));
  out.metric(
    'nodejs_eventloop_delay_p99_seconds',
    'gauge',
    'Event-loop delay, 99th percentile since the first scrape.',
  );
  out.sample('nodejs_eventloop_delay_p99_seconds', {}, delay.count > 0 ? delay.percentile(99) / 1e9 : 0);

  const actors = sources.map((s) => ({ labels: { actor: s.name, instance: s.instance }, stats: s.stats }));
  out.metric('oo_actor_in_flight', 'gauge', 'Deliveries an actor instance is handling now.');
  for (const { labels, stats } of actors) out.sample('oo_actor_in_flight', labels, stats.inFlight);

  const perSubject = actors.flatMap(({ labels, stats }) =>
    [...stats.subjects].map(([subject, counts]) => ({ labels: { ...labels, subject }, counts })),
  );
  const counters = [
    ['oo_messages_handled_total', 'handled', 'Deliveries the handler settled (acked or parked with again).'],
    ['oo_messages_deferred_total', 'deferred', 'Of the handled deliveries, those parked with again.'],
    ['oo_messages_failed_total', 'failed', 'Deliveries whose handler threw; retried or dead-lettered after.'],
    ['oo_messages_dead_lettered_total', 'deadLettered', 'Deliveries sent to the dead-letter subject.'],
  ] as const;
  for (const [name, field, help] of counters) {
    out.metric(name, 'counter', help);
    for (const { labels, counts } of perSubject) out.sample(name, labels, counts[field]);
  }

  const histogram = 'oo_handler_duration_seconds';
  out.metric(histogram, 'histogram', 'Time a handler took per delivery, interceptors included.');
  for (const { labels, counts } of perSubject) {
    let cumulative = 0;
    for (const [i, le] of DURATION_BUCKETS.entries()) {
      cumulative += counts.durations[i] ?? 0;
      out.sample(`${histogram}_bucket`, { ...labels, le: String(le) }, cumulative);
    }
    cumulative += counts.durations[DURATION_BUCKETS.length] ?? 0;
    out.sample(`${histogram}_bucket`, { ...labels, le: '+Inf' }, cumulative);
    out.sample(`${histogram}_sum`, labels, counts.durationSum);
    out.sample(`${histogram}_count`, labels, cumulative);
  }
  return out.text();
}
