/**
 * Injected faults of the vCenter and APIC simulators: each rule catches the next `times` requests
 * whose method and path match, and makes them answer a status (with the simulated system's error
 * body), lose their connection, or answer late. Rules are consulted in the order they were added;
 * a request consumes at most one rule. (The AWX simulator's rules do more: ids, hits, `when`.)
 */
import { z } from 'zod';

export interface SimFault {
  /** HTTP method to match; any when omitted. */
  method?: string;
  /** Matched against the request path (query excluded); a string is a RegExp source. */
  path: RegExp | string;
  /** Answer `status` with the system's error body, destroy the socket, or answer normally after `delayMs`. */
  kind: 'status' | 'drop' | 'delay';
  /** For `status` (400-599, default 503). */
  status?: number;
  /** For `delay` (ms). */
  delayMs?: number;
  /** How many matching requests (default 1). */
  times?: number;
}

const FaultSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('status'), status: z.number().int().min(400).max(599).default(503) }),
  z.object({ kind: z.literal('drop') }),
  z.object({ kind: z.literal('delay'), delayMs: z.number().int().nonnegative() }),
]);
export type ActiveFault = z.infer<typeof FaultSchema>;

interface Rule {
  readonly method: string | undefined;
  readonly path: RegExp;
  readonly fault: ActiveFault;
  remaining: number;
}

export type FaultRegistry = ReturnType<typeof createFaultRegistry>;

/** `simulator` prefixes the errors, e.g. `vcenter simulator`. */
export function createFaultRegistry(simulator: string) {
  let rules: Rule[] = [];

  return {
    /** Throws on a malformed rule (a test bug). */
    add(input: SimFault): void {
      const parsed = FaultSchema.safeParse(input);
      if (!parsed.success) throw new Error(`${simulator}: invalid fault: ${parsed.error.message}`);
      const times = input.times ?? 1;
      if (!Number.isInteger(times) || times < 1) throw new Error(`${simulator}: times must be >= 1`);
      rules.push({
        method: input.method?.toUpperCase(),
        path: typeof input.path === 'string' ? new RegExp(input.path) : input.path,
        fault: parsed.data,
        remaining: times,
      });
    },
    /** The fault for this request, consuming one use of the first matching rule. */
    take(method: string, path: string): ActiveFault | undefined {
      const rule = rules.find((r) => (r.method === undefined || r.method === method) && r.path.test(path));
      if (rule === undefined) return undefined;
      rule.remaining -= 1;
      if (rule.remaining === 0) rules = rules.filter((r) => r !== rule);
      return rule.fault;
    },
    clear(): void {
      rules = [];
    },
  };
}
