export { dnsRecordHandler, validateDnsRecord } from './dns-record-handler.js';
