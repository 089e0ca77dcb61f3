/** What the requests actor is configured with, checked once when the actor is made. */
import { OoError, TEMPLATE_NAME } from '@oo/contracts';
import type { ActorEnv, ObjectFiles, PrincipalTokens } from '@oo/runtime';
import { z } from 'zod';
import type { RequestRecords } from './request-records.js';
import type { RequestRules } from './request-validation.js';

const TemplateName = z.string().regex(TEMPLATE_NAME, 'must be a template name');

export const RequestsOptions = z
  .object({
    /** Resource type -> the template that builds it, managed (Terraform) and unmanaged (Ansible). */
    templates: z.record(
      z.string().min(1),
      z.object({ managed: TemplateName.optional(), unmanaged: TemplateName.optional() }).strict(),
    ),
    /** Base URL of the filestore's HTTP API, as the request file's readers reach it. */
    filestoreUrl: z.url(),
    notify: z.object({ defaultTo: z.array(z.email()) }).strict(),
    /** When set, a request must name one of these catalog items. */
    catalog: z.array(z.string().min(1)).optional(),
  })
  .strict();
export type RequestsOptions = z.input<typeof RequestsOptions>;

/** @throws OoError OO_ERR_CONFIG_INVALID naming each bad option */
export function parseRequestsOptions(options: RequestsOptions): z.output<typeof RequestsOptions> {
  const parsed = RequestsOptions.safeParse(options);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `requests.${i.path.join('.')}: ${i.message}`);
  throw new OoError('OO_ERR_CONFIG_INVALID', `invalid requests actor options: ${problems.join('; ')}`);
}

/** Everything the handlers share, made once per instance in `setup`. */
export interface RequestsDeps {
  readonly rules: RequestRules;
  readonly filestoreUrl: string;
  readonly defaultTo: readonly string[];
  readonly tokens: PrincipalTokens;
  readonly records: RequestRecords;
  readonly files: ObjectFiles;
  readonly tracer: ActorEnv['tracer'];
  /** A principal token naming this actor, for what it does on its own account (run-event follow-ups). */
  serviceToken(): Promise<string>;
}
