/**
 * What a route answers, and vAPI's error bodies. Routes return a value instead of writing to the
 * socket, so the server alone decides how an answer (or an injected fault) reaches the client.
 */

export interface SimResponse {
  status: number;
  /** Serialised as JSON (`application/json`); no body when undefined (204). */
  body?: unknown;
}

export const json = (status: number, body: unknown): SimResponse => ({ status, body });

/**
 * vAPI's error body (vSphere 7.0U2+ `/api`): the error type in upper snake case and localisable
 * messages. The legacy `/rest` endpoints wrapped this in `{type, value}`; `/api` does not.
 */
export function vapiError(
  status: number,
  errorType: string,
  defaultMessage: string,
  id: string,
  args: readonly string[] = [],
): SimResponse {
  return json(status, {
    error_type: errorType,
    messages: [{ args: [...args], default_message: defaultMessage, id }],
  });
}

export const unauthenticated = (): SimResponse =>
  vapiError(
    401,
    'UNAUTHENTICATED',
    'Authentication required.',
    'com.vmware.vapi.endpoint.method.authentication.required',
  );

export const notFound = (): SimResponse =>
  vapiError(404, 'NOT_FOUND', 'Not found.', 'com.vmware.vapi.rest.httpNotFound');

export const operationNotFound = (method: string, path: string): SimResponse =>
  vapiError(
    405,
    'OPERATION_NOT_FOUND',
    `No operation ${method} ${path}.`,
    'com.vmware.vapi.rest.httpMethodNotAllowed',
    [method, path],
  );

/** An unknown enumeration value in a filter, e.g. `types=FAT32`. */
export const invalidEnumValue = (value: string, enumType: string): SimResponse =>
  vapiError(
    400,
    'INVALID_ARGUMENT',
    `Invalid value '${value}' for enumeration type '${enumType}'.`,
    'vapi.bindings.typeconverter.enum.invalid.value',
    [value, enumType],
  );

/** vCenter's documented list limit: list operations return at most 1000 items, else this error. */
export const tooManyResults = (): SimResponse =>
  vapiError(
    400,
    'UNABLE_TO_ALLOCATE_RESOURCE',
    'Too many results to return. Increase the filter.',
    'com.vmware.api.vcenter.too_many_results',
  );

/** The error type vAPI sends with a status, for injected faults. */
export function errorTypeFor(status: number): string {
  if (status === 400) return 'INVALID_ARGUMENT';
  if (status === 401) return 'UNAUTHENTICATED';
  if (status === 403) return 'UNAUTHORIZED';
  if (status === 404) return 'NOT_FOUND';
  if (status === 429) return 'RESOURCE_BUSY';
  if (status === 503) return 'SERVICE_UNAVAILABLE';
  if (status === 504) return 'TIMED_OUT';
  return 'ERROR';
}

export function faultResponse(status: number): SimResponse {
  if (status === 401) return unauthenticated();
  if (status === 404) return notFound();
  return vapiError(status, errorTypeFor(status), `Injected ${status}.`, 'com.vmware.vapi.sim.injected', [
    String(status),
  ]);
}
