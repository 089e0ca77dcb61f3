/** The policy type and the handler kit, re-exported once so the rest of the package has one import. */
export type {
  AllocatedAddress,
  HandlerContext,
  Placement,
  PlacementPair,
  Policy,
  PolicyInput,
  PolicyNetwork,
  Reason,
  RequestInfo,
  ResourceHandler,
} from '@oo/handler-kit';
