/**
 * Reading JSON:API documents from TFE. Bodies are checked with zod at the edge; anything unexpected
 * becomes OO_ERR_TFE_BAD_RESPONSE rather than a TypeError three calls later. Attribute names stay
 * kebab-case here and are mapped to camelCase domain objects by each resource module.
 */
import { OoError } from '@oo/contracts';
import { z } from 'zod';

const Identifier = z.object({ id: z.string(), type: z.string() });

export const ResourceObject = z.object({
  id: z.string(),
  type: z.string(),
  attributes: z.record(z.string(), z.unknown()).default({}),
  relationships: z
    .record(z.string(), z.object({ data: z.union([Identifier, z.array(Identifier), z.null()]).optional() }))
    .optional(),
});
export type ResourceObject = z.infer<typeof ResourceObject>;

const SingleDocument = z.object({ data: ResourceObject, included: z.array(ResourceObject).optional() });
const ListDocument = z.object({
  data: z.array(ResourceObject),
  meta: z
    .object({ pagination: z.object({ 'next-page': z.number().nullable().optional() }).optional() })
    .optional(),
});

/** `data` of a single-resource document of `type`. */
export function single(body: unknown, type: string, what: string): ResourceObject {
  const doc = SingleDocument.safeParse(body);
  if (!doc.success || doc.data.data.type !== type) throw unexpected(what, `a ${type} document`);
  return doc.data.data;
}

/** `data` of a collection document and the next page number, if any. */
export function list(
  body: unknown,
  type: string,
  what: string,
): { items: ResourceObject[]; nextPage: number | undefined } {
  const doc = ListDocument.safeParse(body);
  if (!doc.success || doc.data.data.some((item) => item.type !== type))
    throw unexpected(what, `a ${type} list`);
  const next = doc.data.meta?.pagination?.['next-page'];
  return { items: doc.data.data, nextPage: next ?? undefined };
}

/** Attributes parsed with a zod schema of kebab-case keys. */
export function attributes<S extends z.ZodType>(
  resource: ResourceObject,
  schema: S,
  what: string,
): z.infer<S> {
  const parsed = schema.safeParse(resource.attributes);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw unexpected(what, `attribute ${issue?.path.join('.') ?? '?'} ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

/** The id of a to-one relationship, or undefined. */
export function relatedId(resource: ResourceObject, name: string): string | undefined {
  const data = resource.relationships?.[name]?.data;
  return data && !Array.isArray(data) ? data.id : undefined;
}

/** A request body `{ data: { type, attributes, relationships? } }`. */
export function document(
  type: string,
  attrs: Record<string, unknown>,
  relationships?: Record<string, { type: string; id: string } | undefined>,
  id?: string,
): { data: Record<string, unknown> } {
  const rels = Object.fromEntries(
    Object.entries(relationships ?? {}).flatMap(([name, ref]) => (ref ? [[name, { data: ref }]] : [])),
  );
  return {
    data: {
      type,
      ...(id === undefined ? {} : { id }),
      attributes: withoutUndefined(attrs),
      ...(Object.keys(rels).length > 0 ? { relationships: rels } : {}),
    },
  };
}

function withoutUndefined(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined));
}

function unexpected(what: string, expected: string): OoError {
  return new OoError(
    'OO_ERR_TFE_BAD_RESPONSE',
    `TFE answered ${what} with something other than ${expected}`,
    {
      details: { what },
    },
  );
}
