/**
 * The test's side door, in-process only: the request log, faults, tokens and the EPGs. Tests assert
 * on it without sending API traffic that would itself log in or refresh.
 */
import type { FaultRegistry } from '../faults.js';
import type { RequestFilter, RequestLog } from '../request-log.js';
import type { Tokens } from './tokens.js';
import type { AciSimFault, AciSimRequestRecord, AciSimSeed } from './types.js';

export interface AciSimulatorControl {
  /** Requests received, oldest first, optionally of one method and path (a string is a RegExp source). */
  requests(filter?: RequestFilter): AciSimRequestRecord[];
  /** Adds a fault rule. Throws on a malformed one. */
  addFault(fault: AciSimFault): void;
  clearFaults(): void;
  /** Ends every token: the next call naming one answers 403, as after a token timeout. */
  expireTokens(): void;
  /** Successful aaaLogin calls since start. */
  loginsMade(): number;
  /** Tokens neither logged out nor timed out. */
  liveTokens(): number;
  /** Replaces the EPGs (e.g. one added between two pages). Throws on a malformed seed. */
  setSeed(seed: AciSimSeed): void;
}

export function createControl(deps: {
  faults: FaultRegistry;
  tokens: Tokens;
  requestLog: RequestLog<AciSimRequestRecord>;
  setSeed(seed: AciSimSeed): void;
}): AciSimulatorControl {
  const { faults, tokens, requestLog } = deps;
  return {
    requests: (filter) => requestLog.find(filter),
    addFault: (fault) => faults.add(fault),
    clearFaults: () => faults.clear(),
    expireTokens: () => tokens.expireAll(),
    loginsMade: () => tokens.logins(),
    liveTokens: () => tokens.live(),
    setSeed: (seed) => deps.setSeed(seed),
  };
}
