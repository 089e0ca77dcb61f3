/**
 * JSON:API envelopes as TFE speaks them (tfe-api.md §1): resource objects with kebab-case attributes
 * and `links.self`, error documents, and request bodies `{ data: { type, attributes, relationships } }`.
 */
import type { z } from 'zod';

export const JSON_API = 'application/vnd.api+json';

export interface ResourceIdentifier {
  readonly id: string;
  readonly type: string;
}

export interface ResourceObject extends ResourceIdentifier {
  readonly attributes: Record<string, unknown>;
  readonly relationships?: Record<string, { data: ResourceIdentifier | ResourceIdentifier[] | null }>;
  readonly links: { self: string };
}

export interface ErrorObject {
  readonly status: string;
  readonly title: string;
  readonly detail?: string;
  readonly source?: { pointer: string };
}

/** Thrown by handlers; the server turns it into a JSON:API error document. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail?: string,
    readonly pointer?: string,
  ) {
    super(detail ?? title);
  }

  toObject(): ErrorObject {
    return {
      status: String(this.status),
      title: this.title,
      ...(this.detail === undefined ? {} : { detail: this.detail }),
      ...(this.pointer === undefined ? {} : { source: { pointer: this.pointer } }),
    };
  }
}

/** TFE's answer for anything missing *or* not visible to the token (never 403). */
export const notFound = (): ApiError => new ApiError(404, 'not found');
export const transitionNotAllowed = (detail?: string): ApiError =>
  new ApiError(409, 'transition not allowed', detail);
export const invalidAttribute = (detail: string, attribute?: string): ApiError =>
  new ApiError(422, 'invalid attribute', detail, attribute ? `/data/attributes/${attribute}` : '/data');

export function errorDocument(...errors: ApiError[]): { errors: ErrorObject[] } {
  return { errors: errors.map((error) => error.toObject()) };
}

export interface RequestData {
  readonly id: string | undefined;
  readonly attributes: Record<string, unknown>;
  readonly relationships: Record<string, unknown>;
}

/** The `data` member of a request body, checked for the expected `type` (422 otherwise). */
export function requestData(body: unknown, type: string): RequestData {
  const data = isRecord(body) ? body.data : undefined;
  if (!isRecord(data))
    throw new ApiError(422, 'invalid body', 'the body must carry a `data` object', '/data');
  if (data.type === undefined) throw new ApiError(422, 'invalid body', 'data.type is required', '/data/type');
  if (data.type !== type) {
    throw new ApiError(422, 'invalid body', `data.type must be "${type}"`, '/data/type');
  }
  return {
    id: typeof data.id === 'string' ? data.id : undefined,
    attributes: isRecord(data.attributes) ? data.attributes : {},
    relationships: isRecord(data.relationships) ? data.relationships : {},
  };
}

/** Attributes parsed with a zod schema; the first issue becomes a 422 pointing at the attribute. */
export function parseAttributes<S extends z.ZodType>(
  schema: S,
  attributes: Record<string, unknown>,
): z.infer<S> {
  const result = schema.safeParse(attributes);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const key = issue?.path[0];
  const name = typeof key === 'string' ? key : undefined;
  const detail =
    name === undefined ? (issue?.message ?? 'invalid') : `${name} ${issue?.message ?? 'is invalid'}`;
  throw invalidAttribute(detail, name);
}

/** The id of `relationships.<name>.data`, or undefined when absent. */
export function relationshipId(relationships: Record<string, unknown>, name: string): string | undefined {
  const rel = relationships[name];
  const data = isRecord(rel) ? rel.data : undefined;
  return isRecord(data) && typeof data.id === 'string' ? data.id : undefined;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
