/**
 * The test's side door, in-process only: the request log, faults, sessions and the inventory. Tests
 * assert on it without sending API traffic that would itself refresh or create sessions.
 */
import type { FaultRegistry } from '../faults.js';
import type { RequestFilter, RequestLog } from '../request-log.js';
import type { Sessions } from './sessions.js';
import type { VcenterSimFault, VcenterSimRequestRecord, VcenterSimSeed } from './types.js';

export interface VcenterSimulatorControl {
  /** Requests received, oldest first, optionally of one method and path (a string is a RegExp source). */
  requests(filter?: RequestFilter): VcenterSimRequestRecord[];
  /** Adds a fault rule. Throws on a malformed one. */
  addFault(fault: VcenterSimFault): void;
  clearFaults(): void;
  /** Ends every session: the next call naming one answers 401. */
  expireSessions(): void;
  /** Sessions created since start. */
  sessionsCreated(): number;
  /** Sessions neither deleted nor idle too long. */
  openSessions(): number;
  /** Replaces the inventory (e.g. a cluster renamed). Throws on a malformed seed. */
  setSeed(seed: VcenterSimSeed): void;
}

export function createControl(deps: {
  faults: FaultRegistry;
  sessions: Sessions;
  requestLog: RequestLog<VcenterSimRequestRecord>;
  setSeed(seed: VcenterSimSeed): void;
}): VcenterSimulatorControl {
  const { faults, sessions, requestLog } = deps;
  return {
    requests: (filter) => requestLog.find(filter),
    addFault: (fault) => faults.add(fault),
    clearFaults: () => faults.clear(),
    expireSessions: () => sessions.expireAll(),
    sessionsCreated: () => sessions.created(),
    openSessions: () => sessions.open(),
    setSeed: (seed) => deps.setSeed(seed),
  };
}
