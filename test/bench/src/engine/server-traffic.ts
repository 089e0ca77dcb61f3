/**
 * What a nats-server carried, read from its monitoring endpoint (`/varz`): messages and bytes its
 * clients sent it (`in`, headers included) and it sent them (`out`). Read before and after a system's
 * turn, it says how much a run of that system costs on the wire, whatever the client library does.
 */

export interface Traffic {
  in_msgs: number;
  out_msgs: number;
  in_bytes: number;
  out_bytes: number;
}

const FIELDS = ['in_msgs', 'out_msgs', 'in_bytes', 'out_bytes'] as const;

export const NO_TRAFFIC: Traffic = { in_msgs: 0, out_msgs: 0, in_bytes: 0, out_bytes: 0 };

export async function readTraffic(monitorUrl: string): Promise<Traffic> {
  const response = await fetch(`${monitorUrl}/varz`);
  if (!response.ok) throw new Error(`${monitorUrl}/varz answered ${response.status}`);
  const varz = (await response.json()) as Record<string, unknown>;
  const traffic = { ...NO_TRAFFIC };
  for (const field of FIELDS) {
    const value = varz[field];
    if (typeof value !== 'number') throw new Error(`${monitorUrl}/varz has no number ${field}`);
    traffic[field] = value;
  }
  return traffic;
}

/** `a + (to - from)`, field by field. */
export function addDelta(a: Traffic, from: Traffic, to: Traffic): Traffic {
  const sum = { ...a };
  for (const field of FIELDS) sum[field] += to[field] - from[field];
  return sum;
}

/** Per run, rounded: messages to a tenth, bytes to the byte. */
export function perRun(total: Traffic, runs: number): Traffic {
  return {
    in_msgs: Math.round((total.in_msgs / runs) * 10) / 10,
    out_msgs: Math.round((total.out_msgs / runs) * 10) / 10,
    in_bytes: Math.round(total.in_bytes / runs),
    out_bytes: Math.round(total.out_bytes / runs),
  };
}
