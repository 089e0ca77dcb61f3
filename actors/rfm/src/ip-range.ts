/**
 * IPAM's side of the IPv4 arithmetic: handing out the lowest free address of a network. Which
 * addresses a network has and excludes (`usableRange`) is the policy's, in the read model.
 */
import type { UsableRange } from '@oo/read-model';
import ipaddr from 'ipaddr.js';

export function intToIp(n: number): string {
  return new ipaddr.IPv4([
    Math.floor(n / 2 ** 24) % 256,
    (n >>> 16) & 255,
    (n >>> 8) & 255,
    n & 255,
  ]).toString();
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
