export { FailInput, fail } from './fail.js';
export { HttpRequestInput, HttpRequestOutput, httpRequest } from './http-request.js';
export { ALLOWED_RESPONSE_HEADERS, MAX_BODY_BYTES } from './http-response.js';
export { noop } from './noop.js';
export { builtinTasks, runnerActor } from './runner-actor.js';
export { SleepInput, sleep } from './sleep.js';
