/**
 * Policy: what the admins permit. RFM validates every resource against it (images, size bounds,
 * networks), allocates addresses from its networks and places VMs on an allowed cluster x
 * datastore pair. Stored in PostgreSQL by the read model's policy store as one versioned row,
 * every change audited (who, when); read and replaced through `GET/PUT /v1/policy` (admin only).
 *
 * The schema checks shapes and references; address arithmetic (gateway inside the CIDR, reserved
 * ranges inside it) is checked by the policy store when a policy is stored, since contracts depend
 * on zod alone.
 */
import { z } from 'zod';

const PolicyName = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'must be letters, digits, `_`, `.` or `-`');

/** An inclusive integer range. */
export const SizeBounds = z
  .object({ min: z.number().int().min(1), max: z.number().int().min(1) })
  .strict()
  .refine((b) => b.min <= b.max, { message: 'min must not exceed max', path: ['min'] });
export type SizeBounds = z.infer<typeof SizeBounds>;

export const PolicyImage = z
  .object({
    /** What a request names in `os` (rhel9). */
    name: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'must be an image name like rhel9'),
    family: z.enum(['linux', 'windows']),
  })
  .strict();
export type PolicyImage = z.infer<typeof PolicyImage>;

/** Inclusive range of IPv4 addresses never handed out (appliances, DHCP pools, ...). */
export const AddressRange = z.object({ from: z.ipv4(), to: z.ipv4() }).strict();
export type AddressRange = z.infer<typeof AddressRange>;

export const PolicyNetwork = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9_-]+$/, 'must be a network name like INTRANET_DEV'),
    /** Short environment word used in host names (`{env}` in the naming pattern): dev, prod, dmz. */
    env: z.string().regex(/^[a-z0-9]{1,16}$/, 'must be 1-16 lower-case letters or digits'),
    cidr: z.cidrv4(),
    gateway: z.ipv4(),
    dns: z.array(z.ipv4()).min(1).max(8),
    reserved: z.array(AddressRange).default([]),
    vlan: z.number().int().min(1).max(4094).optional(),
  })
  .strict();
export type PolicyNetwork = z.infer<typeof PolicyNetwork>;

/**
 * One cell of the cluster x datastore matrix. Pairs not listed are denied. `capacity` caps the VMs
 * placed on the pair (unlimited when absent).
 */
export const PlacementPair = z
  .object({
    cluster: PolicyName,
    datastore: PolicyName,
    allowed: z.boolean(),
    capacity: z.number().int().min(0).optional(),
  })
  .strict();
export type PlacementPair = z.infer<typeof PlacementPair>;

function duplicates(values: readonly string[]): string[] {
  return values.filter((v, i) => values.indexOf(v) !== i);
}

export const Policy = z
  .object({
    images: z.array(PolicyImage).min(1),
    bounds: z
      .object({
        cpu: SizeBounds,
        memoryGb: SizeBounds,
        /** Size of each disk. */
        diskGb: SizeBounds,
        /** Number of disks of one VM. */
        disks: SizeBounds,
      })
      .strict(),
    networks: z.array(PolicyNetwork).min(1),
    clusters: z.array(PolicyName).min(1),
    datastores: z.array(PolicyName).min(1),
    /** Placement considers the allowed pairs in this order (see RFM's placement rule). */
    matrix: z.array(PlacementPair),
    /** DNS zones records may be created in. */
    dnsZones: z
      .array(z.string().regex(/^[a-z0-9.-]+$/, 'must be a DNS zone like intranet.example'))
      .default([]),
  })
  .strict()
  .superRefine((policy, ctx) => {
    const unique = (values: readonly string[], path: string) => {
      for (const dup of new Set(duplicates(values))) {
        ctx.addIssue({ code: 'custom', path: [path], message: `"${dup}" is listed twice` });
      }
    };
    unique(
      policy.images.map((i) => i.name),
      'images',
    );
    unique(
      policy.networks.map((n) => n.name),
      'networks',
    );
    unique(policy.clusters, 'clusters');
    unique(policy.datastores, 'datastores');
    unique(
      policy.matrix.map((p) => `${p.cluster} x ${p.datastore}`),
      'matrix',
    );
    policy.matrix.forEach((pair, i) => {
      if (!policy.clusters.includes(pair.cluster)) {
        ctx.addIssue({
          code: 'custom',
          path: ['matrix', i, 'cluster'],
          message: `unknown cluster "${pair.cluster}"`,
        });
      }
      if (!policy.datastores.includes(pair.datastore)) {
        ctx.addIssue({
          code: 'custom',
          path: ['matrix', i, 'datastore'],
          message: `unknown datastore "${pair.datastore}"`,
        });
      }
    });
  });
export type Policy = z.infer<typeof Policy>;
export type PolicyInput = z.input<typeof Policy>;

/** The stored policy as `GET /v1/policy` returns it. */
export const PolicyRecord = z
  .object({
    /** Starts at 1, +1 per change; `PUT` may name the version it replaces (optimistic concurrency). */
    version: z.number().int().min(1),
    policy: Policy,
    updatedBy: z.string(),
    updatedAt: z.string(),
  })
  .strict();
export type PolicyRecord = z.infer<typeof PolicyRecord>;
