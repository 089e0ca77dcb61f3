/**
 * The APIC simulator's public shapes: the seed (validated with zod, since tests hand it in), users,
 * faults and the request log.
 */
import { z } from 'zod';
import type { SimFault } from '../faults.js';

/** APIC's naming rule for a tenant, application profile or EPG (`naming:Name`): 1-64 of these. */
const Name = z.string().regex(/^[a-zA-Z0-9_.:-]{1,64}$/, 'must be 1-64 of a-z A-Z 0-9 _ . : -');

export const AciSimSeedSchema = z
  .object({
    epgs: z.array(
      z.object({ tenant: Name, app: Name, name: Name, descr: z.string().max(128).default('') }).strict(),
    ),
  })
  .strict()
  .refine(
    (seed) => new Set(seed.epgs.map((e) => `${e.tenant}/${e.app}/${e.name}`)).size === seed.epgs.length,
    { message: 'an EPG is named twice in one tenant and application profile' },
  );

/** What the simulated fabric holds: EPGs (`uni/tn-<tenant>/ap-<app>/epg-<name>`), in any order. */
export type AciSimSeed = z.input<typeof AciSimSeedSchema>;

export interface AciSimUser {
  username: string;
  password: string;
}

/** A fault rule; a `status` fault answers with an APIC error imdata. */
export type AciSimFault = SimFault;

export interface AciSimRequestRecord {
  method: string;
  /** Path and query as the client sent them. */
  path: string;
  /** The answer's status, or `drop` when a fault destroyed the socket. */
  status: number | 'drop';
  /** Whether the request carried an `APIC-cookie` cookie (valid or not). */
  cookie: boolean;
}
