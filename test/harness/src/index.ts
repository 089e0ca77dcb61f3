export { freePort } from './free-port.js';
export { freshName } from './names.js';
export type { NatsCluster } from './nats-cluster.js';
export { startNatsCluster } from './nats-cluster.js';
export type { NatsServer, StartNatsServerOptions } from './nats-server.js';
export { startNatsServer } from './nats-server.js';
export type { ChildHandle } from './processes.js';
export { DEPLOYED_NODE_FLAGS, spawnCompiled, spawnTsx } from './processes.js';
export { waitFor, within } from './wait-for.js';
