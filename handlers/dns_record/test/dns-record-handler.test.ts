import { DnsRecordSpec } from '@oo/contracts';
import { describe, expect, it } from 'vitest';
import { handContext, policy } from '../../handler-kit/test/policy-fixture.js';
import { dnsRecordHandler } from '../src/index.js';

const record = DnsRecordSpec.parse({
  type: 'dns_record',
  zone: 'intranet.example',
  name: 'www',
  recordType: 'A',
  value: '10.10.0.10',
});

describe('dns_record handler', () => {
  it('accepts a record in a permitted zone', () => {
    expect(dnsRecordHandler.validate(record, policy)).toEqual([]);
  });

  it('names the zone and the value when they break the rules', () => {
    const reasons = dnsRecordHandler.validate({ ...record, zone: 'other.example', value: 'nope' }, policy);
    expect(reasons.map((r) => r.path)).toEqual(['zone', 'value']);
  });

  it('checks a CNAME points at a host name', () => {
    expect(
      dnsRecordHandler.validate({ ...record, recordType: 'CNAME', value: 'web01.intranet.example' }, policy),
    ).toEqual([]);
    expect(
      dnsRecordHandler.validate({ ...record, recordType: 'CNAME', value: 'bad name!' }, policy),
    ).toHaveLength(1);
  });

  it('claims the fully qualified name and writes the common format', async () => {
    const ctx = handContext();
    const [made] = await dnsRecordHandler.enrich(record, ctx);
    expect(ctx.names).toEqual(['www.intranet.example']);
    expect(made).toMatchObject({
      kind: 'dns_record',
      fqdn: 'www.intranet.example',
      ttl: 3600,
      requestedBy: 'alice',
    });
  });
});
