/**
 * `dns_record`: a record in a zone the policy permits; an A record's value must be an IPv4 address,
 * a CNAME's a host name. The fully qualified name is claimed, so two requests cannot both create it.
 */
import { DnsRecordResource, DnsRecordSpec } from '@oo/contracts';
import { defineHandler, type Policy, type Reason } from '@oo/handler-kit';
import ipaddr from 'ipaddr.js';

const FQDN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]*[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*\.?$/;

export function validateDnsRecord(spec: DnsRecordSpec, policy: Policy): Reason[] {
  const reasons: Reason[] = [];
  if (!policy.dnsZones.includes(spec.zone)) {
    const known = policy.dnsZones.length > 0 ? policy.dnsZones.join(', ') : 'none';
    reasons.push({ path: 'zone', message: `zone "${spec.zone}" is not permitted; permitted: ${known}` });
  }
  if (spec.recordType === 'A' && !ipaddr.IPv4.isValidFourPartDecimal(spec.value)) {
    reasons.push({ path: 'value', message: 'an A record needs an IPv4 address like 10.10.0.5' });
  }
  if (spec.recordType === 'CNAME' && !FQDN.test(spec.value)) {
    reasons.push({ path: 'value', message: 'a CNAME needs a host name like web01.intranet.example' });
  }
  return reasons;
}

export const dnsRecordHandler = defineHandler<DnsRecordSpec>({
  type: 'dns_record',
  spec: DnsRecordSpec,
  validate: validateDnsRecord,
  async enrich(spec, ctx) {
    const fqdn = await ctx.nameFor({ ordinal: 0, requested: `${spec.name}.${spec.zone}` });
    const { request } = ctx;
    return [
      DnsRecordResource.parse({
        formatVersion: 1,
        kind: 'dns_record',
        name: spec.name,
        requestId: request.requestId,
        traceId: request.traceId,
        requestedBy: request.submittedBy,
        managed: request.managed,
        zone: spec.zone,
        fqdn,
        recordType: spec.recordType,
        value: spec.value,
        ttl: spec.ttl,
        createdAt: request.submittedAt,
      }),
    ];
  },
  repoMetadata(_resources, managed) {
    return {
      formatVersion: 1,
      resourceType: 'dns_record',
      osFamily: 'any',
      managed,
      ...(managed
        ? { terraformModule: 'dns-record', workflow: 'tfe-run' }
        : { jobTemplate: 'oo-dns-record', workflow: 'awx-job' }),
    };
  },
});
