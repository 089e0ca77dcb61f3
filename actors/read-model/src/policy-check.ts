/**
 * Whether a candidate is a policy that may be stored: the zod schema (shapes and references) and the
 * address rules the schema cannot check without IP arithmetic. Every reason is named by its dotted
 * path (`networks.0.gateway`), as `PUT /v1/policy` answers them.
 */
import { Policy, schemaReasons } from '@oo/contracts';
import { inCidr, ipToInt, usableRange } from './network-range.js';

export interface PolicyReason {
  readonly path: string;
  readonly message: string;
}

function checkAddresses(policy: Policy): PolicyReason[] {
  const reasons: PolicyReason[] = [];
  policy.networks.forEach((network, i) => {
    const at = (field: string) => `networks.${i}.${field}`;
    const before = reasons.length;
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
    if (reasons.length === before && usableRange(network).first > usableRange(network).last) {
      reasons.push({ path: at('cidr'), message: 'has no host addresses' });
    }
  });
  return reasons;
}

/** The parsed policy, or every reason `candidate` is not one (never both). */
export function validatePolicy(candidate: unknown): { policy?: Policy; reasons: PolicyReason[] } {
  const parsed = Policy.safeParse(candidate);
  if (!parsed.success) {
    return { reasons: schemaReasons(parsed.error) };
  }
  const reasons = checkAddresses(parsed.data);
  return reasons.length > 0 ? { reasons } : { policy: parsed.data, reasons };
}
