/**
 * The policy seeded into an empty database, so the seed's example request works out of the box:
 * `{ "type": "virtual_machine", "os": "rhel9", "network": "INTRANET_DEV", "cpu": 2, "memoryGb": 8,
 * "disks": [{ "sizeGb": 100 }] }`.
 */
import { Policy } from '@oo/contracts';

export const samplePolicy: Policy = Policy.parse({
  images: [
    { name: 'rhel9', family: 'linux' },
    { name: 'ubuntu24', family: 'linux' },
    { name: 'windows2022', family: 'windows' },
  ],
  bounds: {
    cpu: { min: 1, max: 16 },
    memoryGb: { min: 1, max: 128 },
    diskGb: { min: 10, max: 2_048 },
    disks: { min: 1, max: 8 },
  },
  networks: [
    {
      name: 'INTRANET_DEV',
      env: 'dev',
      cidr: '10.10.0.0/24',
      gateway: '10.10.0.1',
      dns: ['10.10.0.2', '10.10.0.3'],
      reserved: [{ from: '10.10.0.4', to: '10.10.0.9' }],
      vlan: 110,
    },
    {
      name: 'INTRANET_PROD',
      env: 'prod',
      cidr: '10.20.0.0/24',
      gateway: '10.20.0.1',
      dns: ['10.20.0.2', '10.20.0.3'],
      reserved: [{ from: '10.20.0.4', to: '10.20.0.19' }],
      vlan: 120,
    },
    {
      name: 'DMZ',
      env: 'dmz',
      cidr: '192.168.50.0/26',
      gateway: '192.168.50.1',
      dns: ['192.168.50.2'],
      reserved: [{ from: '192.168.50.60', to: '192.168.50.62' }],
      vlan: 500,
    },
  ],
  clusters: ['cluster-a', 'cluster-b'],
  datastores: ['ds-fast', 'ds-bulk'],
  matrix: [
    { cluster: 'cluster-a', datastore: 'ds-fast', allowed: true },
    { cluster: 'cluster-a', datastore: 'ds-bulk', allowed: true },
    { cluster: 'cluster-b', datastore: 'ds-fast', allowed: false },
    { cluster: 'cluster-b', datastore: 'ds-bulk', allowed: true },
  ],
  dnsZones: ['intranet.example', 'dmz.example'],
});
