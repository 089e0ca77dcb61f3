/**
 * Fault injection: the next N requests matching a method and path misbehave. Faults apply to every
 * route except the `/_sim` control API, so upload and log URLs can fail too.
 */
import { z } from 'zod';

export const Fault = z.discriminatedUnion('type', [
  /** Answer this status (default 503) with a JSON:API error body. */
  z.object({
    type: z.literal('error'),
    status: z.number().int().min(400).max(599).default(503),
    /** Handle the request first, then answer the error: the write happened but the client cannot know. */
    afterProcessing: z.boolean().default(false),
  }),
  /** Destroy the connection without an answer. */
  z.object({ type: z.literal('reset'), afterProcessing: z.boolean().default(false) }),
  /** 429 with `X-RateLimit-Reset` in seconds (float, as TFE sends it). */
  z.object({ type: z.literal('rate-limit'), resetSeconds: z.number().nonnegative().default(0.1) }),
  /** Delay the answer by `delayMs`, then answer normally. */
  z.object({ type: z.literal('slow'), delayMs: z.number().int().nonnegative() }),
]);
export type Fault = z.infer<typeof Fault>;
export type FaultInput = z.input<typeof Fault>;

/** A fault rule as the HTTP control API accepts it (paths are strings there). */
export const FaultRuleBody = z.object({
  method: z.string().optional(),
  path: z.string(),
  times: z.number().int().positive().default(1),
  fault: Fault,
});

export interface FaultRule {
  /** Any method when omitted. */
  readonly method?: string;
  /** Exact path, a path where `*` stands for one segment (`/api/v2/runs/*`), or a RegExp on the path. */
  readonly path: string | RegExp;
  /** How many matching requests misbehave; default 1. */
  readonly times?: number;
  readonly fault: FaultInput;
}

interface ArmedRule {
  readonly method: string | undefined;
  readonly path: RegExp;
  remaining: number;
  readonly fault: Fault;
}

export interface Faults {
  add(rule: FaultRule): void;
  clear(): void;
  /** The fault for this request, consuming one use of the first matching rule. */
  take(method: string, path: string): Fault | undefined;
}

export function createFaults(): Faults {
  let rules: ArmedRule[] = [];
  return {
    add(rule) {
      rules.push({
        method: rule.method?.toUpperCase(),
        path: toPattern(rule.path),
        remaining: rule.times ?? 1,
        fault: Fault.parse(rule.fault),
      });
    },
    clear() {
      rules = [];
    },
    take(method, path) {
      const rule = rules.find(
        (candidate) =>
          candidate.remaining > 0 &&
          (candidate.method === undefined || candidate.method === method) &&
          candidate.path.test(path),
      );
      if (!rule) return undefined;
      rule.remaining -= 1;
      rules = rules.filter((candidate) => candidate.remaining > 0);
      return rule.fault;
    },
  };
}

function toPattern(path: string | RegExp): RegExp {
  if (path instanceof RegExp) return path;
  const escaped = path
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('[^/]+');
  return new RegExp(`^${escaped}$`);
}
