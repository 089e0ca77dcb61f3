/**
 * IPv4 arithmetic over a policy network (ipaddr.js): which host addresses it has and which of them
 * may be handed out. Never the network or broadcast address, the gateway, the network's DNS servers,
 * or a reserved range. The policy store checks a policy with it; RFM's IPAM allocates from it.
 */
import type { PolicyNetwork } from '@oo/contracts';
import ipaddr from 'ipaddr.js';

/** An IPv4 address as an unsigned 32-bit number (what `rfm_ip_allocations.address` stores). */
export function ipToInt(ip: string): number {
  const [a, b, c, d] = ipaddr.IPv4.parse(ip).toByteArray() as [number, number, number, number];
  return a * 2 ** 24 + b * 2 ** 16 + c * 2 ** 8 + d;
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

/** Whether `ip` lies inside `cidr`. */
export function inCidr(ip: string, cidr: string): boolean {
  return ipaddr.IPv4.parse(ip).match(ipaddr.IPv4.parseCIDR(cidr));
}
