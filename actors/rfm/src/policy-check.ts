/** The address rules of a policy the schema cannot check without IP arithmetic. */
import { inCidr, ipToInt, usableRange } from './ip-range.js';
import type { Policy, Reason } from './policy-types.js';

export function checkPolicyAddresses(policy: Policy): Reason[] {
  const reasons: Reason[] = [];
  policy.networks.forEach((network, i) => {
    const at = (field: string) => `networks.${i}.${field}`;
    const prefix = Number(network.cidr.split('/')[1]);
    if (prefix > 30) {
      reasons.push({
        path: at('cidr'),
        message: 'must be /30 or wider: hosts need a network and a broadcast address',
      });
      return;
    }
    if (!inCidr(network.gateway, network.cidr)) {
      reasons.push({ path: at('gateway'), message: `${network.gateway} is not inside ${network.cidr}` });
    }
    network.reserved.forEach((range, j) => {
      if (!inCidr(range.from, network.cidr) || !inCidr(range.to, network.cidr)) {
        reasons.push({
          path: at(`reserved.${j}`),
          message: `${range.from}-${range.to} is not inside ${network.cidr}`,
        });
      } else if (ipToInt(range.from) > ipToInt(range.to)) {
        reasons.push({ path: at(`reserved.${j}.from`), message: 'must not come after `to`' });
      }
    });
    if (reasons.length === 0 && usableRange(network).first > usableRange(network).last) {
      reasons.push({ path: at('cidr'), message: 'has no host addresses' });
    }
  });
  return reasons;
}
