export { startNatsServer } from './nats-server.js';
export type { NatsServer, StartNatsServerOptions } from './nats-server.js';
export { freshName } from './names.js';
export { waitFor } from './wait-for.js';
export { spawnTsx } from './processes.js';
export type { ChildHandle } from './processes.js';
