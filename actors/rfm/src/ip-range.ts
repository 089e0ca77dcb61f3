/**
 * IPv4 arithmetic for IPAM (ipaddr.js): which addresses of a network may be handed out. Never the
 * network or broadcast address, the gateway, the network's DNS servers, or a reserved range.
 */
import ipaddr from 'ipaddr.js';
import type { PolicyNetwork } from './policy-types.js';

export function ipToInt(ip: string): number {
  const [a, b, c, d] = ipaddr.IPv4.parse(ip).toByteArray() as [number, number, number, number];
  return a * 2 ** 24 + b * 2 ** 16 + c * 2 ** 8 + d;
}

export function intToIp(n: number): string {
  return new ipaddr.IPv4([
    Math.floor(n / 2 ** 24) % 256,
    (n >>> 16) & 255,
    (n >>> 8) & 255,
    n & 255,
  ]).toString();
}

export interface UsableRange {
  readonly prefixLength: number;
  /** First and last host address (network and broadcast excluded). */
  readonly first: number;
  readonly last: number;
  /** Host addresses never handed out. */
  readonly excluded: ReadonlySet<number>;
}

export function usableRange(network: PolicyNetwork): UsableRange {
  const [, prefixLength] = ipaddr.IPv4.parseCIDR(network.cidr);
  const first = ipToInt(ipaddr.IPv4.networkAddressFromCIDR(network.cidr).toString()) + 1;
  const last = ipToInt(ipaddr.IPv4.broadcastAddressFromCIDR(network.cidr).toString()) - 1;
  const excluded = new Set<number>([ipToInt(network.gateway), ...network.dns.map(ipToInt)]);
  for (const range of network.reserved) {
    for (let n = Math.max(first, ipToInt(range.from)); n <= Math.min(last, ipToInt(range.to)); n++)
      excluded.add(n);
  }
  return { prefixLength, first, last, excluded };
}

/** The lowest address of `range` neither excluded nor `taken`; undefined when the network is full. */
export function lowestFree(range: UsableRange, taken: ReadonlySet<number>): number | undefined {
  for (let n = range.first; n <= range.last; n++) {
    if (!range.excluded.has(n) && !taken.has(n)) return n;
  }
  return undefined;
}

/** How many addresses the network can hand out in all. */
export function usableCount(range: UsableRange): number {
  let count = 0;
  for (let n = range.first; n <= range.last; n++) if (!range.excluded.has(n)) count++;
  return count;
}

/** Whether `ip` lies inside `cidr`. */
export function inCidr(ip: string, cidr: string): boolean {
  return ipaddr.IPv4.parse(ip).match(ipaddr.IPv4.parseCIDR(cidr));
}
