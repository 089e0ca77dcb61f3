import type { ErrorSpec } from '../error-spec.js';

/**
 * Error codes of the inventory (OO_ERR_INVENTORY_*): what the gateway reads, read-only, from the
 * systems VMs are built on (a file, vCenter) to show admins what exists and to check the names a
 * policy change brings in. Merged into ErrorRegistry in errors.ts.
 */
export const InventoryErrors = {
  OO_ERR_INVENTORY_UNAVAILABLE: {
    meaning:
      'The inventory source (gateway.inventory: a file or vCenter, and APIC for the networks) could not be read: the file is missing or not valid, or vCenter or APIC refused the credentials, answered an error or did not answer in time. `details.source` names the source.',
    retryable: true,
    http: 503,
    fix: 'Check the source named in the message (the file, or vCenter or APIC and its account); a policy change that brings in no new cluster, datastore or network name does not need the inventory.',
  },
  OO_ERR_INVENTORY_NOT_CONFIGURED: {
    meaning: 'No inventory source is configured (gateway.inventory), so there is no inventory to show.',
    retryable: false,
    http: 404,
    fix: 'Set gateway.inventory to a file (`{ "kind": "file", "path": ... }`) or to vCenter (`{ "kind": "vcenter", "url", "username", "password" }`).',
  },
  OO_ERR_INVENTORY_NAME_UNKNOWN: {
    meaning:
      'The request asks for a network the policy permits but the inventory does not hold (renamed or removed in vCenter or APIC since the policy named it), so the build would fail. `details.errors` names each field (`resources.0.network`) and the source read.',
    retryable: false,
    http: 422,
    fix: 'Choose a network the form offers (GET /v1/catalog/options lists those the inventory holds); an admin sees the policy names the inventory lacks in GET /v1/inventory `gaps`.',
  },
} as const satisfies Record<string, ErrorSpec>;
