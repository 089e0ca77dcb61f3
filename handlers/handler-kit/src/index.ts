export type {
  AllocatedAddress,
  HandlerContext,
  Placement,
  Reason,
  RequestInfo,
  ResourceHandler,
} from './define-handler.js';
export { defineHandler } from './define-handler.js';
export type { AddressRange, PlacementPair, PolicyImage, PolicyInput, PolicyNetwork } from './policy.js';
export { Policy, PolicyRecord, SizeBounds } from './policy.js';
