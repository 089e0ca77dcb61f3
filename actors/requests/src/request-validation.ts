/**
 * Deeper validation of a request body that already matches its schema: what this installation
 * permits (catalog) and can run (a template per resource type and managed/unmanaged). Pure: every
 * problem is collected, so a requester fixes them all in one go.
 */
import type { RequestBody } from '@oo/contracts';

export interface Reason {
  /** Dotted path into the request body (`resources.1.type`); empty for the whole body. */
  readonly path: string;
  readonly message: string;
}

/** Template names per resource type; a type may offer only one of the two. */
export type TemplateRoutes = Readonly<
  Record<string, { readonly managed?: string; readonly unmanaged?: string }>
>;

export interface RequestRules {
  readonly templates: TemplateRoutes;
  /** Catalog items a request may name; when absent, any (or none) is accepted. */
  readonly catalog?: readonly string[] | undefined;
}

export type Validation = { ok: true; template: string } | { ok: false; reasons: Reason[] };

function listOf(items: readonly string[], max = 10): string {
  const shown = items.slice(0, max).join(', ');
  return items.length > max ? `${shown}, … (${items.length} in all)` : shown;
}

function catalogReasons(body: RequestBody, catalog: readonly string[] | undefined): Reason[] {
  if (!catalog) return [];
  if (body.catalogItem === undefined) {
    return [
      { path: 'catalogItem', message: `is required: name one of the catalog items (${listOf(catalog)})` },
    ];
  }
  if (catalog.includes(body.catalogItem)) return [];
  return [
    {
      path: 'catalogItem',
      message: `"${body.catalogItem}" is not in the catalog; choose one of ${listOf(catalog)}`,
    },
  ];
}

function mixedTypeReasons(body: RequestBody): Reason[] {
  const first = body.resources[0]?.type;
  return body.resources.flatMap((resource, i) =>
    resource.type === first
      ? []
      : [
          {
            path: `resources.${i}.type`,
            message: `is ${resource.type} but resources.0 is ${first}: one request holds resources of one type in this version; submit a request per type`,
          },
        ],
  );
}

function templateFor(body: RequestBody, templates: TemplateRoutes): { template?: string; reasons: Reason[] } {
  const mode = body.managed ? 'managed' : 'unmanaged';
  const other = body.managed ? 'unmanaged' : 'managed';
  const reasons: Reason[] = [];
  let template: string | undefined;
  const seen = new Set<string>();
  body.resources.forEach((resource, i) => {
    if (seen.has(resource.type)) return;
    seen.add(resource.type);
    const routes = Object.hasOwn(templates, resource.type) ? templates[resource.type] : undefined;
    const name = routes?.[mode];
    if (name) {
      template ??= name;
      return;
    }
    const hint = routes?.[other] ? `; only ${other} is offered (set managed: ${!body.managed})` : '';
    reasons.push({
      path: `resources.${i}.type`,
      message: `${resource.type} cannot be ${mode} here: no template is configured${hint}`,
    });
  });
  return template === undefined ? { reasons } : { template, reasons };
}

/** Checks a schema-valid body against the rules; returns the template to run, or every reason not to. */
export function validateRequest(body: RequestBody, rules: RequestRules): Validation {
  const routed = templateFor(body, rules.templates);
  const reasons = [...catalogReasons(body, rules.catalog), ...mixedTypeReasons(body), ...routed.reasons];
  if (reasons.length > 0 || routed.template === undefined) {
    return {
      ok: false,
      reasons: reasons.length > 0 ? reasons : [{ path: 'resources', message: 'no template applies' }],
    };
  }
  return { ok: true, template: routed.template };
}
