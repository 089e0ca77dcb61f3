/**
 * Injected faults: each rule catches the next `times` requests whose method and path match, and makes
 * them answer a status (5xx, or 401 for an expired token), drop the connection, or answer late.
 * Rules are consulted in the order they were added; a request consumes at most one rule.
 */
import type { AwxSimFault } from './types.js';

export interface ActiveFault {
  readonly id: number;
  readonly method: string | undefined;
  readonly path: RegExp;
  readonly kind: AwxSimFault['kind'];
  readonly status: number;
  readonly delayMs: number;
  readonly when: 'before' | 'after';
  /** Matching requests still to catch. */
  remaining: number;
  /** Requests caught so far. */
  hits: number;
}

/** What the control API reports about a rule. */
export interface AwxSimFaultState {
  id: number;
  method: string | null;
  path: string;
  kind: AwxSimFault['kind'];
  when: 'before' | 'after';
  remaining: number;
  hits: number;
}

export type FaultRegistry = ReturnType<typeof createFaultRegistry>;

export function createFaultRegistry() {
  const rules: ActiveFault[] = [];
  let nextId = 0;

  return {
    /** Adds a rule; returns its id. Throws on a malformed rule (a test bug). */
    add(fault: AwxSimFault): number {
      if (
        fault.kind === 'status' &&
        (fault.status === undefined || fault.status < 400 || fault.status > 599)
      ) {
        throw new Error('awx simulator fault: kind "status" needs a status between 400 and 599');
      }
      if (fault.kind === 'delay' && (fault.delayMs === undefined || fault.delayMs < 0)) {
        throw new Error('awx simulator fault: kind "delay" needs delayMs >= 0');
      }
      const times = fault.times ?? 1;
      if (!Number.isInteger(times) || times < 1) throw new Error('awx simulator fault: times must be >= 1');
      const id = ++nextId;
      rules.push({
        id,
        method: fault.method?.toUpperCase(),
        path: typeof fault.path === 'string' ? new RegExp(fault.path) : fault.path,
        kind: fault.kind,
        status: fault.status ?? 503,
        delayMs: fault.delayMs ?? 0,
        when: fault.when ?? 'before',
        remaining: times,
        hits: 0,
      });
      return id;
    },
    /** The rule that catches this request, consumed by one; undefined when none matches. */
    take(method: string, path: string): ActiveFault | undefined {
      const rule = rules.find(
        (r) => r.remaining > 0 && (r.method === undefined || r.method === method) && r.path.test(path),
      );
      if (rule === undefined) return undefined;
      rule.remaining -= 1;
      rule.hits += 1;
      return rule;
    },
    list(): AwxSimFaultState[] {
      return rules.map((r) => ({
        id: r.id,
        method: r.method ?? null,
        path: r.path.source,
        kind: r.kind,
        when: r.when,
        remaining: r.remaining,
        hits: r.hits,
      }));
    },
    clear(): void {
      rules.length = 0;
    },
  };
}
