/**
 * The policy types, from contracts. Imported by file until `contracts/src/index.ts` exports
 * policy.ts; then this becomes `export ... from '@oo/contracts'` and nothing else changes.
 */
export type {
  AddressRange,
  PlacementPair,
  PolicyImage,
  PolicyInput,
  PolicyNetwork,
} from '@oo/contracts';
export { Policy, PolicyRecord, SizeBounds } from '@oo/contracts';
