/** The built-in runner: generic tasks every installation has. `workflow.run` is the engine's own. */
import { type AnyTaskDefinition, defineRunner } from '@oo/runtime';
import { fail } from './fail.js';
import { httpRequest } from './http-request.js';
import { noop } from './noop.js';
import { sleep } from './sleep.js';

export const builtinTasks: readonly AnyTaskDefinition[] = [noop, sleep, fail, httpRequest];

export const runnerActor = defineRunner({
  name: 'runner',
  version: '0.1.0',
  description: 'Built-in tasks: noop, sleep, fail, http.request',
  tasks: builtinTasks,
});
