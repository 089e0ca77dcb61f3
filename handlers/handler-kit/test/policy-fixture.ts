/** A small policy and a hand-built handler context for the handlers' unit tests. */
import type { HandlerContext, RequestInfo } from '../src/index.js';
import { Policy } from '../src/index.js';

export const policy: Policy = Policy.parse({
  images: [
    { name: 'rhel9', family: 'linux' },
    { name: 'windows2022', family: 'windows' },
  ],
  bounds: {
    cpu: { min: 1, max: 16 },
    memoryGb: { min: 1, max: 64 },
    diskGb: { min: 10, max: 1_000 },
    disks: { min: 1, max: 4 },
  },
  networks: [
    {
      name: 'INTRANET_DEV',
      env: 'dev',
      cidr: '10.10.0.0/24',
      gateway: '10.10.0.1',
      dns: ['10.10.0.2'],
      vlan: 110,
    },
  ],
  clusters: ['c1'],
  datastores: ['ds1'],
  matrix: [{ cluster: 'c1', datastore: 'ds1', allowed: true }],
  dnsZones: ['intranet.example'],
});

export const request: RequestInfo = {
  requestId: 'req_1',
  traceId: '0123456789abcdef0123456789abcdef',
  submittedBy: 'alice',
  submittedAt: '2025-01-02T03:04:05.000Z',
  managed: false,
};

/** A context handing out addresses .10, .11, ... and names <env>-<os>-1, -2, ... */
export function handContext(): HandlerContext & { names: string[] } {
  const names: string[] = [];
  return {
    policy,
    request,
    index: 0,
    names,
    async allocateIp(network, ordinal) {
      return {
        network,
        ip: `10.10.0.${10 + ordinal}`,
        prefixLength: 24,
        gateway: '10.10.0.1',
        dns: ['10.10.0.2'],
        vlan: 110,
      };
    },
    async nameFor({ requested, parts }) {
      const name = requested ?? `${parts?.env}-${parts?.os}-${names.length + 1}`;
      names.push(name);
      return name;
    },
    async place() {
      return { cluster: 'c1', datastore: 'ds1' };
    },
  };
}
