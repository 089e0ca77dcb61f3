/**
 * One OO actor alone in a process, as `oo actor <name>` runs it, so engine.parked can read each
 * one's CPU and memory from /proc. Env: NATS_URL, ROLE (engine | runner), TEMPLATES_DIR (engine).
 * Prints `ready <role>` once consuming; SIGTERM drains and exits. Only the role's own code is
 * imported, so neither process carries the other's modules in its memory.
 */
import { startActor, startTelemetry, stopOnSignals } from '@oo/runtime';
import { benchActorOptions } from './bench-actor-options.js';

const role = process.env.ROLE === 'engine' ? 'engine' : 'runner';
const url = process.env.NATS_URL;
if (!url) throw new Error('actor-process: NATS_URL is not set');
const definition =
  role === 'engine'
    ? (await import('@oo/engine')).engineActor({ templatesDir: process.env.TEMPLATES_DIR ?? 'templates' })
    : (await import('./park-task.js')).parkRunner;
const telemetry = startTelemetry({ serviceName: `oo-bench-${role}` });
const options = benchActorOptions(url);
const handle = await startActor(definition, options);
stopOnSignals(() => [handle], telemetry, options.log);
process.stdout.write(`ready ${role}\n`);
