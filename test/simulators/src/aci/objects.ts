/**
 * The managed objects class queries answer, derived from the seed: tenants (`fvTenant`), application
 * profiles (`fvAp`) and EPGs (`fvAEPg`), each class sorted by dn as APIC answers a class query.
 * Attributes are the ones OO might read plus a few APIC always sends; a real APIC sends more
 * (modTs, uid, pcTag, ...), which a client must ignore.
 */
import { type AciSimSeed, AciSimSeedSchema } from './types.js';

/** One imdata item: `{ <class>: { attributes } }`. */
export type ManagedObject = Readonly<Record<string, { attributes: Readonly<Record<string, string>> }>>;

export type ClassStore = ReadonlyMap<string, readonly ManagedObject[]>;

/** Holds the EPG names of OO's sample policy (actors/read-model/src/sample-policy.ts) and one more. */
export const DEFAULT_ACI_SEED: AciSimSeed = {
  epgs: [
    { tenant: 'OO', app: 'VMS', name: 'INTRANET_DEV' },
    { tenant: 'OO', app: 'VMS', name: 'INTRANET_PROD' },
    { tenant: 'OO', app: 'VMS', name: 'DMZ', descr: 'reachable from the internet' },
    { tenant: 'infra', app: 'ops', name: 'MGMT' },
  ],
};

const mo = (className: string, attributes: Record<string, string>): ManagedObject => ({
  [className]: { attributes: { ...attributes, status: '' } },
});

const byDn = (a: ManagedObject, b: ManagedObject): number => {
  const dn = (o: ManagedObject) => Object.values(o)[0]?.attributes.dn ?? '';
  return dn(a) < dn(b) ? -1 : dn(a) > dn(b) ? 1 : 0;
};

/** Throws on a malformed seed (a test bug), naming the field. */
export function buildClasses(seed: AciSimSeed): ClassStore {
  const parsed = AciSimSeedSchema.safeParse(seed);
  if (!parsed.success) throw new Error(`aci simulator: invalid seed: ${parsed.error.message}`);
  const tenants = new Map<string, ManagedObject>();
  const apps = new Map<string, ManagedObject>();
  const epgs: ManagedObject[] = [];
  for (const epg of parsed.data.epgs) {
    const tenantDn = `uni/tn-${epg.tenant}`;
    const appDn = `${tenantDn}/ap-${epg.app}`;
    tenants.set(tenantDn, mo('fvTenant', { dn: tenantDn, name: epg.tenant, descr: '' }));
    apps.set(appDn, mo('fvAp', { dn: appDn, name: epg.app, descr: '', prio: 'unspecified' }));
    epgs.push(
      mo('fvAEPg', {
        dn: `${appDn}/epg-${epg.name}`,
        name: epg.name,
        descr: epg.descr,
        pcEnfPref: 'unenforced',
        prefGrMemb: 'exclude',
        isAttrBasedEPg: 'no',
      }),
    );
  }
  return new Map([
    ['fvTenant', [...tenants.values()].sort(byDn)],
    ['fvAp', [...apps.values()].sort(byDn)],
    ['fvAEPg', epgs.sort(byDn)],
  ]);
}
